package io.kubestate.bench;

import java.lang.management.ManagementFactory;

/** The highest used heap seen, every few milliseconds: what a container limit would meet. */
final class PeakSampler extends Thread {
  volatile boolean stop;
  volatile long peak;

  PeakSampler() {
    setDaemon(true);
  }

  @Override
  public void run() {
    while (!stop) {
      peak = Math.max(peak, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}

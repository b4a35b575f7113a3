package org.secaimed.connector.seal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AesGcmWarmUpTest {
  @Test
  void runsOncePerJvmAndItsRoundTripsAuthenticate() throws Exception {
    CompletableFuture<Void> first = AesGcmWarmUp.start();
    SealedArchive.warmUp();
    assertThat(AesGcmWarmUp.start()).isSameAs(first);
    first.get(2, TimeUnit.MINUTES); // throws if any warm-up round trip failed to open
    assertThat(first).isCompleted().isNotCompletedExceptionally();
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("secaimed-aes-gcm-warm-up") && t.isAlive() && !t.isDaemon());
  }
}

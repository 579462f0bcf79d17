package io.github.gptoss4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.kernels.KernelProvider.Impl;
import org.junit.jupiter.api.Test;

class KernelProviderTest {

  @Test
  void vectorKernelsAreChosenWhenTheModuleIsPresent() {
    // the build runs tests with --add-modules jdk.incubator.vector on an AVX2/AVX-512 machine
    assertNull(KernelProvider.vectorUnavailableReason());
    assertTrue(Kernels.get().name().startsWith("vector("), Kernels.get().name());
    assertEquals(Runtime.getRuntime().availableProcessors(), Kernels.get().threads());
  }

  @Test
  void factoriesHonourImplAndThreads() {
    try (Kernels k = KernelProvider.create(Impl.SCALAR, 3)) {
      assertEquals("scalar", k.name());
      assertEquals(3, k.threads());
    }
    KernelException e = assertThrows(KernelException.class, () -> KernelProvider.create(Impl.VECTOR, 0));
    assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
  }

  @Test
  void aThreadCountAloneKeepsTheDefaultImplementation() {
    try (Kernels k = KernelProvider.create(3)) {
      assertEquals(Kernels.get().name(), k.name());
      assertEquals(3, k.threads());
    }
    assertThrows(KernelException.class, () -> KernelProvider.create(0));
  }

  @Test
  void propertiesAreParsedWithClearErrors() {
    String oldKernels = System.getProperty("gptoss.kernels");
    String oldThreads = System.getProperty("gptoss.threads");
    try {
      System.setProperty("gptoss.kernels", "Scalar");
      assertEquals(Impl.SCALAR, KernelProvider.chosenImpl());
      System.setProperty("gptoss.kernels", "gpu");
      KernelException e = assertThrows(KernelException.class, KernelProvider::chosenImpl);
      assertTrue(e.getMessage().contains("gptoss.kernels=gpu"), e.getMessage());
      System.setProperty("gptoss.threads", "5");
      assertEquals(5, KernelProvider.chosenThreads());
      System.setProperty("gptoss.threads", "zero");
      e = assertThrows(KernelException.class, KernelProvider::chosenThreads);
      assertTrue(e.getMessage().contains("gptoss.threads=zero"), e.getMessage());
    } finally {
      restore("gptoss.kernels", oldKernels);
      restore("gptoss.threads", oldThreads);
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }
}

package io.github.gptoss4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.gptoss4j.kernels.Bf16Matrix;
import io.github.gptoss4j.kernels.F32Matrix;
import io.github.gptoss4j.kernels.Mxfp4Matrix;
import io.github.gptoss4j.kernels.Q8Matrix;
import io.github.gptoss4j.kernels.WeightMatrix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Asserts two bound models are the same: equal configs, byte-equal matrix views, equal vectors. */
final class WeightsEquality {
  private WeightsEquality() {}

  static void assertSameWeights(ModelWeights a, ModelWeights b) {
    assertEquals(a.config(), b.config());
    assertSame("embedding", a.embedding(), b.embedding());
    assertSame("unembedding", a.unembedding(), b.unembedding());
    assertArrayEquals(a.finalNorm(), b.finalNorm(), "final norm");
    assertEquals(a.layers().size(), b.layers().size());
    for (int l = 0; l < a.layers().size(); l++) {
      ModelWeights.Attention x = a.layers().get(l).attention();
      ModelWeights.Attention y = b.layers().get(l).attention();
      String p = "layer " + l + " ";
      assertArrayEquals(x.norm(), y.norm(), p + "attention norm");
      assertSame(p + "q", x.q(), y.q());
      assertSame(p + "k", x.k(), y.k());
      assertSame(p + "v", x.v(), y.v());
      assertSame(p + "o", x.o(), y.o());
      assertArrayEquals(x.qBias(), y.qBias(), p + "q bias");
      assertArrayEquals(x.kBias(), y.kBias(), p + "k bias");
      assertArrayEquals(x.vBias(), y.vBias(), p + "v bias");
      assertArrayEquals(x.oBias(), y.oBias(), p + "o bias");
      assertArrayEquals(x.sinks(), y.sinks(), p + "sinks");
      ModelWeights.Moe m = a.layers().get(l).moe();
      ModelWeights.Moe n = b.layers().get(l).moe();
      assertArrayEquals(m.norm(), n.norm(), p + "moe norm");
      assertSame(p + "router", m.router(), n.router());
      assertArrayEquals(m.routerBias(), n.routerBias(), p + "router bias");
      assertEquals(m.experts().size(), n.experts().size());
      for (int e = 0; e < m.experts().size(); e++) {
        ModelWeights.Expert u = m.experts().get(e);
        ModelWeights.Expert v = n.experts().get(e);
        assertSame(p + "expert " + e + " gate_up", u.gateUp(), v.gateUp());
        assertSame(p + "expert " + e + " down", u.down(), v.down());
        assertArrayEquals(u.gateUpBias(), v.gateUpBias(), p + "expert " + e + " gate_up bias");
        assertArrayEquals(u.downBias(), v.downBias(), p + "expert " + e + " down bias");
      }
    }
  }

  private static void assertSame(String what, WeightMatrix x, WeightMatrix y) {
    assertEquals(x.getClass(), y.getClass(), what + " type");
    assertEquals(x.rows(), y.rows(), what + " rows");
    assertEquals(x.cols(), y.cols(), what + " cols");
    switch (x) {
      case Bf16Matrix m -> assertBytes(what, m.data(), ((Bf16Matrix) y).data());
      case F32Matrix m -> assertBytes(what, m.data(), ((F32Matrix) y).data());
      case Mxfp4Matrix m -> {
        assertBytes(what + " blocks", m.blocks(), ((Mxfp4Matrix) y).blocks());
        assertBytes(what + " scales", m.scales(), ((Mxfp4Matrix) y).scales());
      }
      case Q8Matrix m -> {
        assertBytes(what + " quants", m.quants(), ((Q8Matrix) y).quants());
        assertBytes(what + " scales", m.scales(), ((Q8Matrix) y).scales());
      }
    }
  }

  private static void assertBytes(String what, MemorySegment x, MemorySegment y) {
    assertEquals(-1L, x.mismatch(y), what + " bytes differ");
  }
}

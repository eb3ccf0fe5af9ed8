using CsCheck;
using ZkMl.TestKit;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;

namespace ZkMl.Compiler.Tests;

public class QuantizationTests
{
    /// <summary>Checks every relation the prover will prove, over the whole padded hypercube.</summary>
    internal static void CheckWitness(Circuit c, Witness w)
    {
        int rows = w.PaddedBatchSize;
        long[] a = w.Input;
        int aCols = c.PaddedInputSize;
        long limbRange = 1L << c.LimbBits;
        foreach (var layer in c.Layers)
        {
            var lw = w.Layers[layer.Index];
            Assert.Equal(rows, lw.Rows);
            Assert.Equal(layer.PaddedOutputSize, lw.Cols);
            var W = layer.PaddedWeights();
            var b = layer.PaddedBias();
            int cols = lw.Cols;
            Assert.Equal(aCols, layer.PaddedInputSize);
            if (!layer.IsOutput)
            {
                // k is a multiple of the limb width and the limbs cover exactly [0, 2^k): the remainder is
                // below 2^k, so Q is the unique quotient of (R).
                Assert.Equal(0, layer.Shift % c.LimbBits);
                Assert.Equal(layer.Shift / c.LimbBits, layer.LimbCount);
            }
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < cols; j++)
                {
                    long z = b[j];
                    for (int i = 0; i < aCols; i++) z += a[r * aCols + i] * W[i * cols + j];
                    long e = r * cols + j;
                    Assert.Equal(z, lw.Z[e]);
                    if (j < layer.OutputSize) Assert.InRange(z, layer.ZMin[j], layer.ZMax[j]);
                    if (layer.IsOutput) continue;
                    // (R): Z·M + 2^(k−1) = Q·2^k + Σ 2^(i·c)·R_i with every limb in [0, 2^c).
                    Int128 lhs = (Int128)z * layer.Multiplier + (Int128.One << (layer.Shift - 1));
                    Assert.True(Int128.Abs(lhs) < Int128.One << CircuitCompiler.ProductBits, "Z·M + 2^(k−1) beyond the proven product bound");
                    Int128 rhs = (Int128)lw.Q![e] << layer.Shift;
                    for (int i = 0; i < layer.LimbCount; i++)
                    {
                        long limb = lw.RemainderLimbs![i][e];
                        Assert.InRange(limb, 0, limbRange - 1);
                        rhs += (Int128)limb << (i * c.LimbBits);
                    }
                    Assert.Equal(lhs, rhs);
                    Assert.Equal(layer.Table!.Lookup(lw.Q[e]), lw.A![e]);
                    if (j >= layer.OutputSize)
                    {
                        Assert.Equal(0, lw.Z[e]);
                        Assert.Equal(0, lw.Q[e]);
                    }
                }
            if (!layer.IsOutput) { a = lw.A!; aCols = cols; }
        }
    }

    [Fact]
    public void TinyWitnessSatisfiesEveryRelationIncludingPadding()
    {
        var net = TestNets.Tiny();
        var x = TestNets.TinyInputs();
        var c = CircuitCompiler.Compile(net, x);
        var w = IntegerExecutor.Run(c, x.Take(5).ToArray());
        Assert.Equal(8, w.PaddedBatchSize);
        CheckWitness(c, w);
        // Padded rows are the inference of a zero input.
        var zero = IntegerExecutor.Infer(c, new long[4]);
        for (int j = 0; j < c.OutputSize; j++) Assert.Equal(zero[j], w.Output[7 * w.Layers[^1].Cols + j]);
        // A padded hidden column has remainder exactly 2^(k−1).
        var l0 = c.Layers[0];
        Assert.Equal(8, l0.OutputSize); // tiny has 8 hidden units: no padded column; check a padded one on another net below
        var report = AccuracyReport.Measure(net, c, x);
        Assert.Equal(x.Length, report.Samples);
        Assert.True(report.ArgmaxAgreements >= x.Length - 1);
        Assert.True(report.MaxAbsError < 0.05, $"max error {report.MaxAbsError}");
    }

    [Fact]
    public void PaddedColumnsHaveHalfRemainder()
    {
        var rng = new Random(21);
        var net = TestNets.Random(rng, [3, 5, 3], [Activation.Sigmoid, Activation.None]);
        var x = TestNets.Samples(rng, 6, 3);
        var c = CircuitCompiler.Compile(net, x);
        var w = IntegerExecutor.Run(c, x);
        CheckWitness(c, w);
        var l0 = c.Layers[0];
        var lw = w.Layers[0];
        Assert.Equal(8, lw.Cols);
        long half = 1L << (l0.Shift - 1);
        for (int r = 0; r < lw.Rows; r++)
            for (int j = 5; j < 8; j++)
            {
                long e = r * 8 + j;
                long rem = 0;
                for (int i = 0; i < l0.LimbCount; i++) rem += lw.RemainderLimbs![i][e] << (i * c.LimbBits);
                Assert.Equal(half, rem);
                Assert.Equal(l0.Table!.Lookup(0), lw.A![e]);
            }
    }

    [Fact]
    public void ExecutorDetectsAViolatedBound()
    {
        var c = CircuitCompiler.Compile(TestNets.Tiny(), TestNets.TinyInputs());
        var layer = c.Layers[0];
        // Shrink a proven bound to below what an extreme input reaches: the executor must refuse.
        layer.ZMaxData[0] = layer.ZMinData[0];
        var extreme = Enumerable.Range(0, 4).Select(i => layer.Weights[i * layer.OutputSize] >= 0 ? c.InputBound : -c.InputBound).ToArray();
        var e = Assert.Throws<InvalidOperationException>(() => IntegerExecutor.RunQuantized(c, [extreme]));
        Assert.Contains("proven bound", e.Message);
    }

    [Fact]
    public void ExtremeInputsNeverLeaveTheProvenBounds()
    {
        // Property: random networks (shapes, activations, weight scales, bits) and random inputs at the
        // corners of the input range never leave the proven Z/Q/A bounds (the executor throws if they do).
        var gen =
            from net in Gens.Network(maxDepth: 3, maxWidth: 9)
            from seed in Gen.Int[0, int.MaxValue]
            from wbits in Gen.Int[3, 10]
            from abits in Gen.Int[3, 10]
            from limb in Gen.OneOf(4, 6, 8)
            from pct in Gen.Bool
            select (net, seed, wbits, abits, limb, pct);
        int compiled = 0, refused = 0;
        Props.Check(gen, t =>
        {
            var rng = new Random(t.seed);
            var net = t.net;
            var cal = TestNets.Samples(rng, 8, net.InputSize, (float)Math.Pow(10, rng.NextDouble() * 2 - 1));
            var opts = new CompileOptions
            {
                WeightBits = t.wbits, ActBits = t.abits, LimbBits = t.limb,
                Calibration = t.pct ? CalibrationMethod.Percentile : CalibrationMethod.MaxAbs, Percentile = 90,
            };
            Circuit c;
            try { c = CircuitCompiler.Compile(net, cal, opts); }
            catch (CompileException) { refused++; return; } // refusing is sound; never proving a wrong bound is the property
            compiled++;
            long bnd = c.InputBound;
            var inputs = new List<long[]>();
            for (int s = 0; s < 6; s++)
                inputs.Add(Enumerable.Range(0, c.InputSize).Select(_ => rng.Next(3) switch { 0 => -bnd, 1 => bnd, _ => rng.NextInt64(-bnd, bnd + 1) }).ToArray());
            // The input that maximises (and the one that minimises) the first column of layer 0.
            var l0 = c.Layers[0];
            inputs.Add(Enumerable.Range(0, c.InputSize).Select(i => l0.Weights[i * l0.OutputSize] >= 0 ? bnd : -bnd).ToArray());
            inputs.Add(Enumerable.Range(0, c.InputSize).Select(i => l0.Weights[i * l0.OutputSize] >= 0 ? -bnd : bnd).ToArray());
            var w = IntegerExecutor.RunQuantized(c, inputs);
            CheckWitness(c, w);
            // The first-layer bound is tight: the extreme inputs reach it exactly.
            Assert.Equal(l0.ZMax[0], w.Layers[0].Z[6 * w.Layers[0].Cols]);
            Assert.Equal(l0.ZMin[0], w.Layers[0].Z[7 * w.Layers[0].Cols]);
        }, seed: 12345, iter: 200);
        Assert.True(compiled > 0, $"no generated network compiled ({refused} refused)");
    }

    [Fact]
    public void UnboundableModelGivesACompileErrorNamingLayerAndBits()
    {
        // Calibration sees outputs near 0 (alternating weights, constant inputs), while the worst case is huge:
        // the ReLU table over Q's proven domain cannot fit 2^12 entries.
        int n = 64;
        var w = new float[n * 2];
        for (int i = 0; i < n; i++) { w[i * 2] = i % 2 == 0 ? 1 : -1; w[i * 2 + 1] = i % 2 == 0 ? 1 : -1; }
        var net = new Network([new DenseLayer(n, 2, w, [0f, 0f], Activation.Relu, "wide"), new DenseLayer(2, 1, [1f, 1f], [0f], Activation.None)]);
        var cal = new[] { Enumerable.Repeat(1f, n).Select((v, i) => i == 0 ? 1.001f : v).ToArray() };
        var e = Assert.Throws<CompileException>(() => CircuitCompiler.Compile(net, cal, new CompileOptions { MaxTableBits = 12 }));
        Assert.Contains("layer 0 ('wide')", e.Message);
        Assert.Contains("lower --weight-bits or --act-bits", e.Message);
    }

    [Fact]
    public void CircuitFileRoundTripsAndRejectsDamage()
    {
        var c = CircuitCompiler.Compile(TestNets.Tiny(), TestNets.TinyInputs());
        var bytes = CircuitFile.ToBytes(c);
        var back = CircuitFile.FromBytes(bytes);
        Assert.Equal(c.DigestHex, back.DigestHex);
        Assert.Equal(c.Layers[0].Multiplier, back.Layers[0].Multiplier);
        Assert.True(c.Layers[0].Table!.Values.SequenceEqual(back.Layers[0].Table!.Values));
        Assert.True(c.Layers[1].Weights.SequenceEqual(back.Layers[1].Weights));

        string tmp = Path.Combine(Path.GetTempPath(), $"zkml-test-{Environment.ProcessId}.zkc");
        CircuitFile.Save(c, tmp);
        Assert.Equal(c.DigestHex, CircuitFile.Load(tmp).DigestHex);
        File.Delete(tmp);

        // Every single-byte change and every truncation is rejected with a ModelFormatException.
        for (int i = 0; i < bytes.Length; i += 7)
        {
            var bad = bytes.ToArray();
            bad[i] ^= 0x40;
            Assert.Throws<ModelFormatException>(() => CircuitFile.FromBytes(bad, "bad.zkc"));
        }
        for (int cut = 0; cut < bytes.Length; cut += 13)
            Assert.Throws<ModelFormatException>(() => CircuitFile.FromBytes(bytes.AsSpan(0, cut), "cut.zkc"));
        var ver = bytes.ToArray();
        ver[8] = 4; // 1 (dense), 2 (conv/pooling layers) and 3 (zero knowledge) are read
        Assert.Contains("version 4", Assert.Throws<ModelFormatException>(() => CircuitFile.FromBytes(ver, "v.zkc")).Message);
        // A file with a valid digest but inconsistent content (a bound that does not follow from the weights) is refused.
        var inconsistent = CircuitCompiler.Compile(TestNets.Tiny(), TestNets.TinyInputs());
        inconsistent.Layers[0].ZMaxData[0] -= 1;
        Assert.Contains("stored Z bounds", Assert.Throws<ModelFormatException>(() => CircuitFile.FromBytes(CircuitFile.ToBytes(inconsistent), "i.zkc")).Message);
        var flip = bytes.ToArray();
        flip[40] ^= 1;
        Assert.Contains("digest mismatch", Assert.Throws<ModelFormatException>(() => CircuitFile.FromBytes(flip, "d.zkc")).Message);
    }

    [Theory]
    [InlineData(Activation.Tanh, Activation.Sigmoid, CalibrationMethod.MaxAbs)]
    [InlineData(Activation.Sigmoid, Activation.Relu, CalibrationMethod.Percentile)]
    [InlineData(Activation.None, Activation.Tanh, CalibrationMethod.MaxAbs)]
    public void TableActivationsStayAccurate(Activation a1, Activation a2, CalibrationMethod method)
    {
        var rng = new Random(8);
        var net = TestNets.Random(rng, [6, 16, 8, 3], [a1, a2, Activation.None]);
        var x = TestNets.Samples(rng, 64, 6);
        var c = CircuitCompiler.Compile(net, x, new CompileOptions { Calibration = method, Percentile = 99.5 });
        var report = AccuracyReport.Measure(net, c, x);
        // Percentile calibration clips the largest values on purpose: allow more error there.
        double allowed = method == CalibrationMethod.Percentile ? 0.15 : 0.08;
        Assert.True(report.MaxAbsError <= allowed * report.MaxAbsOutput, $"max error {report.MaxAbsError} vs max output {report.MaxAbsOutput}");
        Assert.True(report.ArgmaxAgreement >= 0.85, $"agreement {report.ArgmaxAgreement}");
        CheckWitness(c, IntegerExecutor.Run(c, x.Take(9).ToArray()));
        // More bits, smaller error.
        var c12 = CircuitCompiler.Compile(net, x, new CompileOptions { Calibration = method, Percentile = 99.5, WeightBits = 12, ActBits = 12 });
        Assert.True(AccuracyReport.Measure(net, c12, x).MaxAbsError < report.MaxAbsError);
    }

    [Fact]
    public void RequantizationRoundsHalfUp()
    {
        Assert.Equal(1, CircuitCompiler.Requantize(1, 1, 1));   // 0.5 → 1
        Assert.Equal(0, CircuitCompiler.Requantize(-1, 1, 1));  // −0.5 → 0
        Assert.Equal(-1, CircuitCompiler.Requantize(-3, 1, 1)); // −1.5 → −1
        Assert.Equal(4, CircuitCompiler.Requantize(5, 3, 2));   // 15/4 = 3.75 → floor((15 + 2) / 4) = 4
        Assert.Equal(3, CircuitCompiler.Requantize(5, 5, 3));   // 25/8 = 3.125 → floor(29 / 8) = 3
    }

    [Fact]
    public void PercentileCalibrationClipsOutliersAndIgnoresZeros()
    {
        // A hidden identity layer: its activation scale is the calibrated range / 127. The input scale is
        // never a percentile (inputs beyond it would be clamped): it stays the calibration max |x|.
        var net = new Network([new DenseLayer(1, 1, [1f], [0f], Activation.None), new DenseLayer(1, 1, [1f], [0f], Activation.None)]);
        var cal = Enumerable.Range(1, 100).Select(i => new[] { i % 2 == 0 ? i : -(float)i }).Append([1000f]).ToList();
        var maxAbs = CircuitCompiler.Compile(net, cal, new CompileOptions { Calibration = CalibrationMethod.MaxAbs });
        Assert.Equal(1000.0 / 127, maxAbs.InputScale, 12);
        Assert.Equal(1000.0 / 127, maxAbs.Layers[0].OutputScale, 12);
        // 99th percentile of the 101 magnitudes 1…100, 1000: sorted index ⌈0.99·101⌉ − 1 = 99, i.e. 100.
        var p99 = CircuitCompiler.Compile(net, cal, new CompileOptions { Calibration = CalibrationMethod.Percentile, Percentile = 99 });
        Assert.Equal(100.0 / 127, p99.Layers[0].OutputScale, 12);
        Assert.Equal(maxAbs.InputScale, p99.InputScale);
        var p50 = CircuitCompiler.Compile(net, cal, new CompileOptions { Calibration = CalibrationMethod.Percentile, Percentile = 50 });
        Assert.Equal(51.0 / 127, p50.Layers[0].OutputScale, 12); // index ⌈50.5⌉ − 1 = 50 → 51
        // Exact zeros say nothing about the range: adding many leaves the percentile unchanged.
        var withZeros = cal.Concat(Enumerable.Repeat(new[] { 0f }, 500)).ToList();
        Assert.Equal(p99.Layers[0].OutputScale, CircuitCompiler.Compile(net, withZeros, new CompileOptions { Calibration = CalibrationMethod.Percentile, Percentile = 99 }).Layers[0].OutputScale);
        // Percentile 100 is max-abs; hidden values beyond the clipped range saturate (and are counted).
        Assert.Equal(maxAbs.Layers[0].OutputScale, CircuitCompiler.Compile(net, cal, new CompileOptions { Calibration = CalibrationMethod.Percentile, Percentile = 100 }).Layers[0].OutputScale);
        Assert.Equal(1, IntegerExecutor.Run(p99, [[1000f]]).SaturationCounts()[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => CircuitCompiler.Compile(net, cal, new CompileOptions { Calibration = CalibrationMethod.Percentile, Percentile = 0 }));
    }

    [Fact]
    public void AccuracyReportCountsArgmaxAndErrorsExactly()
    {
        // y = x on two features, int8: input scale 1/127 (max |x| = 1), W = diag(127), so the dequantized
        // output is round(127·x)/127 and every error is known by hand.
        var net = new Network([new DenseLayer(2, 2, [1f, 0f, 0f, 1f], [0f, 0f], Activation.None)]);
        float[][] x = [[1f, 0f], [0.496f, 0.499f], [-0.3f, 0.2f]];
        var c = CircuitCompiler.Compile(net, x);
        var r = AccuracyReport.Measure(net, c, x);
        // Sample 1 is exact; sample 2 rounds both to 63/127 (float argmax 1, quantized tie → 0: disagreement);
        // sample 3 rounds to −38/127 and 25/127 (argmax 1 on both).
        double[] errors =
        [
            0, 0,
            Math.Abs(0.496f - 63.0 / 127), Math.Abs(0.499f - 63.0 / 127),
            Math.Abs(-0.3f + 38.0 / 127), Math.Abs(0.2f - 25.0 / 127),
        ];
        Assert.Equal(3, r.Samples);
        Assert.Equal(2, r.ArgmaxAgreements);
        Assert.Equal(2.0 / 3, r.ArgmaxAgreement, 12);
        Assert.Equal(errors.Max(), r.MaxAbsError, 9);
        Assert.Equal(errors.Average(), r.MeanAbsError, 9);
        Assert.Equal(1.0, r.MaxAbsOutput, 9);
        var empty = AccuracyReport.Measure(net, c, []);
        Assert.Equal((0, 0.0, 0.0), (empty.Samples, empty.ArgmaxAgreement, empty.MeanAbsError));
    }
}

/// <summary>Saturation past the calibration maximum is counted per layer by the integer executor (issue 16).</summary>
public class SaturationCountTests
{
    [Fact]
    public void Inputs_beyond_the_calibration_data_saturate_and_are_counted()
    {
        // Relu layer calibrated on small inputs; a large input drives its Q past qa = 127.
        var net = ZkMl.TestKit.TestNetworks.Random(5, [6, 8, 3], [ZkMl.Compiler.Model.Activation.Relu, ZkMl.Compiler.Model.Activation.None]);
        var calib = ZkMl.TestKit.TestNetworks.Samples(6, 16, 6);
        var c = CircuitCompiler.Compile(net, calib);
        var inRange = IntegerExecutor.Run(c, calib);
        Assert.All(inRange.SaturationCounts(), v => Assert.Equal(0, v));
        // The same samples with a hidden value pushed to the clamp: scale the integer input to its bound.
        var big = calib.Select(x => x.Select(v => v * 1000f).ToArray()).ToArray();
        var w = IntegerExecutor.Run(c, big);
        var counts = w.SaturationCounts();
        Assert.True(counts[0] > 0, "the hidden relu saturates");
        Assert.Equal(0, counts[^1]); // the logits layer has no table
        // Counted: Q past qa by more than one rounding step, clamped to qa; a relu's large negative Q is its zero, not counted.
        long manual = 0, negative = 0;
        var l0 = w.Layers[0];
        for (int r = 0; r < w.BatchSize; r++)
            for (int j = 0; j < c.Layers[0].OutputSize; j++)
            {
                long q = l0.Q![r * l0.Cols + j];
                if (q > c.InputBound + 1) { manual++; Assert.Equal(c.InputBound, l0.A![r * l0.Cols + j]); }
                if (q < -c.InputBound - 1) negative++;
            }
        Assert.Equal(manual, counts[0]);
        Assert.True(negative > 0, "the test reaches the relu's negative side too");
    }

    [Fact]
    public void Rounding_one_step_past_the_maximum_and_bounded_tables_are_not_saturation()
    {
        long[] q = [127, 128, 129, -129, -200], a = [127, 127, 127, -127, -127];
        // identity/relu-style clamp: 128 is one rounding step past 127 (not counted); 129, −129, −200 are
        Assert.Equal(3, IntegerExecutor.CountSaturated(ZkMl.Compiler.Model.Activation.LeakyRelu, q, a, 1, 8, 5, 127));
        // a relu's negative Q gives A = 0: not clamped at ±qa
        Assert.Equal(1, IntegerExecutor.CountSaturated(ZkMl.Compiler.Model.Activation.Relu, q, [127, 127, 127, 0, 0], 1, 8, 5, 127));
        // sigmoid and tanh tables span their whole output range: nothing is clamped
        Assert.Equal(0, IntegerExecutor.CountSaturated(ZkMl.Compiler.Model.Activation.Sigmoid, q, a, 1, 8, 5, 127));
        Assert.Equal(0, IntegerExecutor.CountSaturated(ZkMl.Compiler.Model.Activation.Tanh, q, a, 1, 8, 5, 127));
        // only the real columns of each row count (the padding beyond outputSize is ignored)
        Assert.Equal(2, IntegerExecutor.CountSaturated(ZkMl.Compiler.Model.Activation.Relu, [129, 500, 129, 500], [127, 127, 127, 127], 2, 2, 1, 127));
    }
}

/// <summary>The input scale comes from a declared range, or the calibration max widened by a margin (issue 16).</summary>
public class InputRangeTests
{
    [Fact]
    public void Declared_range_sets_the_input_scale_and_inputs_in_it_are_not_clamped()
    {
        var net = ZkMl.TestKit.TestNetworks.Random(7, [3, 6, 2], [ZkMl.Compiler.Model.Activation.Relu, ZkMl.Compiler.Model.Activation.None]);
        float[][] one = [[0.1f, -0.2f, 0.3f]];
        var narrow = CircuitCompiler.Compile(net, one);
        Assert.Equal(0.3 / 127, narrow.InputScale, 1e-9);
        var wide = CircuitCompiler.Compile(net, one, new CompileOptions { InputRange = (-2, 5) });
        Assert.Equal(5.0 / 127, wide.InputScale, 1e-12);
        float[] x = [3f, -2f, 5f];
        // 3 → round(76.2) = 76, −2 → round(−50.8) = −51, 5 → 127: none clamped (the calibration row alone would clamp all three)
        Assert.Equal([76L, -51L, 127L], wide.QuantizeInput(x));
        Assert.Equal([127L, -127L, 127L], narrow.QuantizeInput(x));
        // The hidden layer was calibrated on the one small row, so this row saturates it: counted, not silent.
        Assert.True(IntegerExecutor.Run(wide, [x]).SaturationCounts()[0] > 0);
        // Calibrated on rows that span the declared range, the integer network tracks the float one on it.
        var rng = new Random(3);
        var span = Enumerable.Range(0, 64).Select(_ => Enumerable.Range(0, 3).Select(_ => (float)(-2 + 7 * rng.NextDouble())).ToArray()).ToArray();
        var good = CircuitCompiler.Compile(net, span, new CompileOptions { InputRange = (-2, 5) });
        var f = FloatExecutor.Run(net, x);
        var w = IntegerExecutor.Run(good, [x]);
        Assert.All(w.SaturationCounts(), v => Assert.Equal(0, v));
        var y = w.DequantizedOutputs[0];
        for (int j = 0; j < f.Length; j++) Assert.InRange(Math.Abs(y[j] - f[j]), 0, 0.05 * Math.Max(1, f.Max(Math.Abs)));
    }

    [Fact]
    public void Margin_widens_the_calibration_max_and_bad_ranges_are_refused()
    {
        var net = ZkMl.TestKit.TestNetworks.Random(7, [3, 6, 2], [ZkMl.Compiler.Model.Activation.Relu, ZkMl.Compiler.Model.Activation.None]);
        float[][] one = [[0.1f, -0.2f, 0.4f]];
        var c = CircuitCompiler.Compile(net, one, new CompileOptions { InputMargin = 0.5 });
        Assert.Equal(0.4f * 1.5 / 127, c.InputScale, 1e-9);
        Assert.Throws<ArgumentOutOfRangeException>(() => CircuitCompiler.Compile(net, one, new CompileOptions { InputRange = (1, 1) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => CircuitCompiler.Compile(net, one, new CompileOptions { InputMargin = -1 }));
        var warnings = new List<string>();
        CircuitCompiler.Compile(net, one, new CompileOptions { InputRange = (0, 0.2) }, warnings);
        Assert.Contains(warnings, w => w.Contains("beyond the declared input range"));
    }
}

using ZkMl.Compiler.Model;

namespace ZkMl.Compiler.Quantization;

/// <summary>
/// Calibrates, quantizes and bounds a float <see cref="Network"/> into an integer <see cref="Circuit"/>
/// (DESIGN.md §2; integer-only inference after Jacob et al., CVPR 2018).
/// </summary>
public static partial class CircuitCompiler
{
    /// <summary>|Z|·M + 2^k must stay below 2^ProductBits: far below r/2 ≈ 2^252.6, and it fits Int128.</summary>
    internal const int ProductBits = 120;

    /// <summary>|Z| must stay below 2^ZBits (Z is a long in the witness).</summary>
    internal const int ZBits = 62;

    /// <summary>
    /// Compiles <paramref name="network"/> with scales calibrated on <paramref name="calibration"/> samples.
    /// </summary>
    /// <param name="network">The float network.</param>
    /// <param name="calibration">At least one sample, each of network.InputSize floats.</param>
    /// <param name="options">Bits and calibration method; null = defaults (int8, max-abs).</param>
    /// <param name="warnings">Receives notes for the user (e.g. an output activation applied outside the proof); may be null.</param>
    /// <exception cref="ArgumentException">No samples, or a sample of the wrong length.</exception>
    /// <exception cref="CompileException">A bound cannot be proven (the message names the layer and which bits to lower).</exception>
    public static Circuit Compile(Network network, IReadOnlyList<float[]> calibration, CompileOptions? options = null, IList<string>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(calibration);
        options ??= new CompileOptions();
        options.Validate();
        if (options.LimbBits != CompileOptions.AutoLimbBits) return CompileWith(network, calibration, options, warnings);
        // Automatic limb width: the scales (hence M/2^k) do not depend on c, so one compile with 8-bit
        // limbs tells how many limbs every width needs. A width whose larger M breaks a bound falls back to 8.
        var notes = new List<string>();
        var circuit = CompileWith(network, calibration, options with { LimbBits = 8 }, notes);
        int c = ChooseLimbBits(circuit, options.MultiplierBits);
        if (c != 8)
        {
            var wider = new List<string>();
            try { circuit = CompileWith(network, calibration, options with { LimbBits = c }, wider); notes = wider; }
            catch (CompileException) { } // keep the 8-bit circuit
        }
        if (warnings != null) foreach (var w in notes) warnings.Add(w);
        return circuit;
    }

    /// <summary>
    /// The automatic limb width: among c = 8 … max(8, ⌈log2 of the largest activation table⌉) (at most 16;
    /// a range segment of 2^c entries then adds at most as much to the lookup table as the largest
    /// activation segment), the one with the fewest remainder limbs over all hidden layers (each limb is
    /// one lookup per neuron and batch row), the smallest on ties.
    /// </summary>
    internal static int ChooseLimbBits(Circuit probe, int multiplierBits)
    {
        var hidden = probe.Layers.Where(l => l.Table != null).ToArray();
        if (hidden.Length == 0) return 8;
        long table = hidden.Max(l => (long)l.Table!.Values.Length);
        int cMax = Math.Clamp(64 - (int)ulong.LeadingZeroCount((ulong)table - 1), 8, 16);
        int best = 8, bestLimbs = int.MaxValue;
        for (int c = 8; c <= cMax; c++)
        {
            int limbs = 0;
            try
            {
                foreach (var l in hidden) limbs += ChooseShift(l.InputScale * l.WeightScale / l.QScale, c, multiplierBits, $"layer {l.Index}").Shift / c;
            }
            catch (CompileException) { continue; } // M would not fit with this width
            if (limbs < bestLimbs) { best = c; bestLimbs = limbs; }
        }
        return best;
    }

    /// <summary>M and k for the requantization multiplier M/2^k ≈ mult: k the smallest multiple of c with M ≥ 2^(multiplierBits−1) (or the last one ≤ 62).</summary>
    private static (long M, int Shift) ChooseShift(double mult, int c, int multiplierBits, string who)
    {
        int shift = c;
        while (true)
        {
            double mm = Math.Round(mult * Math.Pow(2, shift));
            if (mm >= Math.Pow(2, 62))
                throw new CompileException($"{who}: requantization multiplier {mult:G3} is too large to represent; use wider calibration data or lower --act-bits");
            long bigM = (long)mm;
            if (bigM >= 1L << (multiplierBits - 1) || shift + c > 62) return (bigM, shift);
            shift += c;
        }
    }

    private static Circuit CompileWith(Network network, IReadOnlyList<float[]> calibration, CompileOptions options, IList<string>? warnings)
    {
        if (calibration.Count == 0) throw new ArgumentException("calibration needs at least one sample", nameof(calibration));
        for (int s = 0; s < calibration.Count; s++)
            if (calibration[s].Length != network.InputSize)
                throw new ArgumentException($"calibration sample {s} has {calibration[s].Length} values, the model expects {network.InputSize}", nameof(calibration));

        int nl = network.Stages.Count;
        long qa = (1L << (options.ActBits - 1)) - 1;
        long qw = (1L << (options.WeightBits - 1)) - 1;
        int c = options.LimbBits;

        // Float trace over the calibration samples: |input|, |pre-activation|, |post-activation| per layer.
        var absIn = new List<float>(calibration.Count * network.InputSize);
        var absPre = new List<float>[nl];
        var absPost = new List<float>[nl];
        for (int l = 0; l < nl; l++) { absPre[l] = []; absPost[l] = []; }
        foreach (var x in calibration)
        {
            foreach (float v in x) absIn.Add(Math.Abs(v));
            float[] a = x;
            for (int l = 0; l < nl; l++)
            {
                var layer = network.Stages[l];
                var z = FloatExecutor.Linear(layer, a);
                foreach (float v in z) absPre[l].Add(Math.Abs(v));
                FloatExecutor.Activate(layer.Activation, layer.ActivationAlpha, layer.ActivationBeta, z);
                foreach (float v in z) absPost[l].Add(Math.Abs(v));
                a = z;
            }
        }
        double Range(List<float> abs)
        {
            if (abs.Count == 0) return 0;
            if (options.Calibration == CalibrationMethod.MaxAbs) return abs.Max();
            // Exact zeros (ReLU outputs, blank pixels) say nothing about the range: leave them out.
            var sorted = abs.Where(v => v != 0f).ToArray();
            if (sorted.Length == 0) return 0;
            Array.Sort(sorted);
            int idx = (int)Math.Ceiling(options.Percentile / 100.0 * sorted.Length) - 1;
            return sorted[Math.Clamp(idx, 0, sorted.Length - 1)];
        }
        double ScaleFor(double range, long qmax) => range > 0 && double.IsFinite(range) ? range / qmax : 1.0 / qmax;

        // The input range: declared, or the calibration data's max |x| widened by the margin (never a
        // percentile: inputs beyond the range are clamped at prove time).
        double inRange;
        if (options.InputRange is { } ir)
        {
            inRange = Math.Max(Math.Abs(ir.Lo), Math.Abs(ir.Hi));
            double seen = absIn.Count == 0 ? 0 : absIn.Max();
            if (seen > inRange)
                warnings?.Add($"calibration data reaches |x| = {seen:G4}, beyond the declared input range [{ir.Lo:G4}, {ir.Hi:G4}]: such inputs are clamped");
        }
        else inRange = (absIn.Count == 0 ? 0 : absIn.Max()) * (1 + options.InputMargin);
        double sIn = ScaleFor(inRange, qa);
        double inputScale = sIn;
        var layers = new List<CircuitLayer>();
        // Interval of every input feature of the current layer (same for all features of a layer).
        long inLo = -qa, inHi = qa;
        // The per-sample layout of the current tensor ([C, H, W] before a conv/pooling layer that comes first).
        IReadOnlyList<int> inShape = network.Stages[0].Geometry is { } g0 ? [g0.InC, g0.InH, g0.InW] : [network.InputSize];
        for (int l = 0; l < nl; l++)
        {
            var layer = network.Stages[l];
            bool isOut = l == nl - 1;
            string who = $"layer {l}" + (layer.Name is null ? "" : $" ('{layer.Name}')") + $" [{layer.ShapeText()}]";
            int n = layer.InputSize, m = layer.OutputSize;

            if (layer.Kind == LayerKind.MaxPool)
            {
                // Z = A = the window maximum: no weights, no requantization, the scale and range pass through.
                layers.Add(MaxPoolLayer((PoolLayer)layer, l, isOut, sIn, inLo, inHi, inShape));
                inShape = layers[^1].OutputShape;
                if (isOut) break;
                continue;
            }
            var (sW, w, b, zMin, zMax, zAbs) = layer is DenseLayer dense
                ? QuantizeDense(dense, sIn, qw, inLo, inHi, who)
                : QuantizeSpatial(layer, sIn, qw, inLo, inHi, who);
            double sAcc = sIn * sW;

            // The output layer stops at Z (the public logits) unless the model applies an activation after it:
            // then it is requantized and looked up like a hidden layer and its A is the public output.
            if (isOut && !layer.Activation.IsTabled())
            {
                if (network.FinalSoftmax)
                    warnings?.Add($"{who}: the final Softmax cannot be proven exactly; the proven outputs are the logits before it (their argmax is the Softmax's argmax)");
                layers.Add(new CircuitLayer
                {
                    Index = l, IsOutput = true, InputSize = n, OutputSize = m, Activation = network.FinalSoftmax ? Activation.Softmax : Activation.None,
                    Kind = layer.Kind, Geometry = layer.Geometry, InputShape = inShape,
                    InputScale = sIn, WeightScale = sW, QScale = sAcc, OutputScale = sAcc, Name = layer.Name,
                    WeightData = w, BiasData = b, ZMinData = zMin, ZMaxData = zMax, ZBound = (long)zAbs,
                });
                break;
            }

            // Scale of Q: the output range for clamps (ReLU/identity), the pre-activation range for tables.
            double sQ, sOut;
            if (layer.Activation is Activation.None or Activation.Relu)
            {
                sQ = sOut = ScaleFor(Range(absPost[l]), qa);
            }
            else if (layer.Activation.HasParameters())
            {
                // Q at the pre-activation range, A at the post-activation range: A = round(act(Q·s_q)/s_out).
                sQ = ScaleFor(Range(absPre[l]), qa);
                sOut = ScaleFor(Range(absPost[l]), qa);
            }
            else
            {
                sQ = ScaleFor(Range(absPre[l]), qa);
                sOut = 1.0 / qa;
            }
            double mult = sAcc / sQ;
            var (bigM, shift) = ChooseShift(mult, c, options.MultiplierBits, who);
            if (bigM <= 0)
                throw new CompileException($"{who}: requantization multiplier {mult:G3} underflows 2^-62; the activation range is far larger than the accumulator scale");
            if (Bits(zAbs * bigM + (Int128.One << shift)) >= ProductBits)
                throw new CompileException($"{who}: |Z|·M reaches 2^{Bits(zAbs * bigM)} (limit 2^{ProductBits}, far below r/2); lower --weight-bits or --act-bits");

            long qLo = 0, qHi = 0;
            for (int j = 0; j < zMin.Length; j++)
            {
                qLo = Math.Min(qLo, Requantize(zMin[j], bigM, shift));
                qHi = Math.Max(qHi, Requantize(zMax[j], bigM, shift));
            }
            long size = qHi - qLo + 1;
            if (size > 1L << options.MaxTableBits)
                throw new CompileException(
                    $"{who}: the {layer.Activation.ToName()} table would need {size} entries (Q in [{qLo}, {qHi}]) > 2^{options.MaxTableBits}; lower --weight-bits or --act-bits (each bit halves it)");
            var values = new long[size];
            double sq = sQ;
            for (long i = 0; i < size; i++)
            {
                long q = qLo + i;
                values[i] = layer.Activation switch
                {
                    Activation.None => Math.Clamp(q, -qa, qa),
                    Activation.Relu => Math.Clamp(q, 0, qa),
                    Activation.Sigmoid => Math.Clamp((long)Math.Round(qa / (1 + Math.Exp(-q * sq)), MidpointRounding.AwayFromZero), 0, qa),
                    Activation.Tanh => Math.Clamp((long)Math.Round(qa * Math.Tanh(q * sq), MidpointRounding.AwayFromZero), -qa, qa),
                    Activation.LeakyRelu or Activation.HardSigmoid or Activation.Elu or Activation.Gelu =>
                        Math.Clamp((long)Math.Round(FloatExecutor.Apply(layer.Activation, layer.ActivationAlpha, layer.ActivationBeta, q * sq) / sOut, MidpointRounding.AwayFromZero), -qa, qa),
                    _ => throw new InvalidOperationException("unknown activation"),
                };
            }
            long aMin = values.Min(), aMax = values.Max();
            layers.Add(new CircuitLayer
            {
                Index = l, IsOutput = isOut, InputSize = n, OutputSize = m, Activation = layer.Activation,
                Kind = layer.Kind, Geometry = layer.Geometry, InputShape = inShape,
                InputScale = sIn, WeightScale = sW, QScale = sQ, OutputScale = sOut, Multiplier = bigM, Shift = shift,
                LimbCount = shift / c, Table = new ActivationTable(layer.Activation, qLo, values), AMin = aMin, AMax = aMax,
                Name = layer.Name, WeightData = w, BiasData = b, ZMinData = zMin, ZMaxData = zMax, ZBound = (long)zAbs,
            });
            sIn = sOut;
            inLo = aMin;
            inHi = aMax;
            inShape = layers[^1].OutputShape;
        }
        if (options.Zk.Zk && layers.FirstOrDefault(l => l.Kind != LayerKind.Dense) is { } spatial)
            throw new CompileException($"not yet supported: --zk with conv layers (layer {spatial.Index}{(spatial.Name is null ? "" : $" '{spatial.Name}'")} is a {spatial.Kind} layer; zero-knowledge circuits are chains of dense layers for now)");
        return new Circuit(network.Name, options.WeightBits, options.ActBits, c, network.InputSize, inputScale, layers, options.Zk);
    }

    /// <summary>Per-tensor weights, the bias at s_in·s_w and the interval bounds of Z per output column of a dense layer.</summary>
    private static (double SW, long[] W, long[] B, long[] ZMin, long[] ZMax, Int128 ZAbs) QuantizeDense(DenseLayer layer, double sIn, long qw, long inLo, long inHi, string who)
    {
        int n = layer.InputSize, m = layer.OutputSize;
        double wMax = 0;
        foreach (float v in layer.Weights) wMax = Math.Max(wMax, Math.Abs(v));
        double sW = wMax > 0 ? wMax / qw : 1.0;
        var w = new long[(long)n * m];
        for (int k = 0; k < w.Length; k++)
            w[k] = Math.Clamp((long)Math.Round(layer.WeightData[k] / sW, MidpointRounding.AwayFromZero), -qw, qw);
        double sAcc = sIn * sW;
        var b = new long[m];
        for (int j = 0; j < m; j++)
        {
            double v = Math.Round(layer.BiasData[j] / sAcc, MidpointRounding.AwayFromZero);
            if (!(Math.Abs(v) < Math.Pow(2, ZBits - 2)))
                throw new CompileException($"{who}: bias[{j}] = {layer.BiasData[j]} is {v:G3} at the accumulator scale {sAcc:G3}, beyond 2^{ZBits - 2}; lower --weight-bits or --act-bits, or use wider calibration ranges");
            b[j] = (long)v;
        }

        // Interval bounds per output column: Z_j ∈ [b_j + Σ min(W·lo, W·hi), b_j + Σ max(W·lo, W·hi)].
        var zMin = new long[m];
        var zMax = new long[m];
        Int128 zAbs = 0;
        for (int j = 0; j < m; j++)
        {
            Int128 lo = b[j], hi = b[j];
            for (int i = 0; i < n; i++)
            {
                long wij = w[(long)i * m + j];
                Int128 p1 = (Int128)wij * inLo, p2 = (Int128)wij * inHi;
                lo += Int128.Min(p1, p2);
                hi += Int128.Max(p1, p2);
            }
            if (Int128.Abs(lo) >= Int128.One << ZBits || Int128.Abs(hi) >= Int128.One << ZBits)
                throw new CompileException($"{who}: accumulator bound |Z| reaches 2^{Bits(Int128.Max(Int128.Abs(lo), Int128.Abs(hi)))} (limit 2^{ZBits}); lower --weight-bits or --act-bits");
            zMin[j] = (long)lo;
            zMax[j] = (long)hi;
            zAbs = Int128.Max(zAbs, Int128.Max(Int128.Abs(lo), Int128.Abs(hi)));
        }
        return (sW, w, b, zMin, zMax, zAbs);
    }

    /// <summary>Q = floor((Z·M + 2^(k−1)) / 2^k).</summary>
    internal static long Requantize(long z, long m, int k) => (long)(((Int128)z * m + (Int128.One << (k - 1))) >> k);

    private static int Bits(Int128 v) => v <= 0 ? 0 : 128 - (int)Int128.LeadingZeroCount(v);
}

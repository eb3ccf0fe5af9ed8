using ZkMl.Compiler.Model;

namespace ZkMl.Compiler.Quantization;

/// <summary>
/// A compiled integer network (DESIGN.md §2): integer weights and biases, requantization
/// multipliers M/2^k, activation tables, scales, proven bounds. Valid inputs are integers in
/// [−InputBound, InputBound]; the public output is the last layer's Z (integer logits) or, with a
/// proven final activation, its A; its real value is Y·OutputScale. Immutable; <see cref="Digest"/> is the SHA-256 of its canonical
/// serialization (the .zkc content, docs/circuit-format.md).
/// </summary>
public sealed class Circuit
{
    internal Circuit(string? name, int weightBits, int actBits, int limbBits, int inputSize, double inputScale, IReadOnlyList<CircuitLayer> layers, ZkSettings zk = default)
    {
        if (zk.Problem() is { } zp) throw new ArgumentException(zp, nameof(zk));
        if (zk.Zk && layers.Any(l => l.Kind != LayerKind.Dense)) throw new ArgumentException("not yet supported: zero-knowledge circuits with conv or pooling layers", nameof(zk));
        InputShape = layers.Count > 0 && layers[0].InputShape.Count == 3 ? layers[0].InputShape.ToArray() : [inputSize];
        Name = name;
        WeightBits = weightBits;
        ActBits = actBits;
        LimbBits = limbBits;
        InputSize = inputSize;
        InputScale = inputScale;
        Zk = zk;
        // (a layer object belongs to one circuit: the ZK minimum width is the layer's own padding)
        Layers = layers.Select(l => l.MinPaddedWidth == zk.MinPaddedWidth ? l : l.WithMinPaddedWidth(zk.MinPaddedWidth)).ToArray();
        Digest = CircuitFile.ComputeDigest(this);
        PublicDigest = CircuitFile.ComputePublicDigest(this);
    }

    /// <summary>The zero-knowledge choices (<see cref="ZkSettings.None"/> for a default circuit).</summary>
    public ZkSettings Zk { get; }

    /// <summary>
    /// SHA-256 of the <b>public circuit</b> (docs/circuit-format.md "Public-circuit digest"): the format version, the
    /// ZK flags, the shapes and every constant a verifying key holds, without the weight, bias, Z-bound and
    /// activation-table arrays. A zero-knowledge verifying key names its circuit by this digest: the full
    /// <see cref="Digest"/> would let anyone test a guess of the weights.
    /// </summary>
    public byte[] PublicDigest { get; }

    /// <summary><see cref="PublicDigest"/> as lower-case hex.</summary>
    public string PublicDigestHex => Convert.ToHexStringLower(PublicDigest);

    /// <summary>
    /// The input segment of the lookup table when private inputs are range-checked (docs/zk-design.md §6), else null:
    /// 2^ActBits entries, entry j = (t_X, −InputBound + j, 0) for j ≤ 2·InputBound (the last entry repeats the top value).
    /// It holds no model data: it follows from the flags and ActBits alone.
    /// </summary>
    public InputSegment? InputRangeSegment => Zk.InputRangeCheck ? new InputSegment(-InputBound, 2 * InputBound + 1, ActBits) : null;

    /// <summary>Optional model name.</summary>
    public string? Name { get; }

    /// <summary>Signed bits of the weights.</summary>
    public int WeightBits { get; }

    /// <summary>Signed bits of inputs and activations.</summary>
    public int ActBits { get; }

    /// <summary>Range-limb width c: every remainder limb lies in [0, 2^c).</summary>
    public int LimbBits { get; }

    /// <summary>Features per sample.</summary>
    public int InputSize { get; }

    /// <summary>The per-sample input shape: [InputSize], or [C, H, W] when the first layer is a conv or pooling layer.</summary>
    public IReadOnlyList<int> InputShape { get; }

    /// <summary>
    /// The padded input size: InputSize rounded up to a power of two (at least 4 in ZK mode), or the product of the
    /// padded dimensions of [C, H, W].
    /// </summary>
    public int PaddedInputSize => PaddedSize(InputShape, Zk.MinPaddedWidth);

    /// <summary>True when some layer is a convolution or pooling layer (the current prover refuses such circuits: "not yet provable").</summary>
    public bool HasSpatialLayers => Layers.Any(l => l.Kind != LayerKind.Dense);

    /// <summary>The product of the dimensions, each rounded up to a power of two.</summary>
    public static int PaddedSize(IReadOnlyList<int> shape) => PaddedSize(shape, 1);

    /// <summary>
    /// As <see cref="PaddedSize(IReadOnlyList{int})"/>; a 1-D width is padded to at least <paramref name="minWidth"/>
    /// (a power of two: 4 in ZK mode, docs/zk-design.md §5.2).
    /// </summary>
    public static int PaddedSize(IReadOnlyList<int> shape, int minWidth)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Count == 1) return Math.Max(minWidth, NextPowerOfTwo(shape[0]));
        long p = 1;
        foreach (int d in shape) p *= NextPowerOfTwo(d);
        return checked((int)p);
    }

    /// <summary>
    /// Where the real flat index <paramref name="i"/> (row-major over <paramref name="shape"/>) sits in the padded
    /// layout, which pads every dimension to a power of two: for [C, H, W], i = (c·H + y)·W + x goes to
    /// (c·H' + y)·W' + x with H', W' the padded sizes (so c, y and x are separate index bits). For a 1-D shape, i.
    /// </summary>
    public static int PaddedIndex(IReadOnlyList<int> shape, int i)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Count <= 1) return i;
        long p = 0, stride = 1;
        for (int d = shape.Count - 1; d >= 0; d--)
        {
            int coord = i % shape[d];
            i /= shape[d];
            p += coord * stride;
            stride *= NextPowerOfTwo(shape[d]);
        }
        return (int)p;
    }

    /// <summary>Scale of the input: x ≈ X·InputScale.</summary>
    public double InputScale { get; }

    /// <summary>Valid inputs are integers in [−InputBound, InputBound] = ±(2^(ActBits−1)−1).</summary>
    public long InputBound => (1L << (ActBits - 1)) - 1;

    /// <summary>The layers, input first; the last one <see cref="CircuitLayer.IsOutput"/>.</summary>
    public IReadOnlyList<CircuitLayer> Layers { get; }

    /// <summary>Outputs per sample.</summary>
    public int OutputSize => Layers[^1].OutputSize;

    /// <summary>Where output j of a sample sits in its padded output row (j for a dense output layer).</summary>
    public int OutputIndex(int j) => PaddedIndex(Layers[^1].OutputShape, j);

    /// <summary>
    /// Scale of the public outputs: y ≈ Y·OutputScale. Y is the last layer's Z (the integer logits, scale
    /// s_in·s_w) or, when <see cref="ProvesOutputActivation"/>, its activation A (scale of A).
    /// </summary>
    public double OutputScale => ProvesOutputActivation ? Layers[^1].OutputScale : Layers[^1].AccumulatorScale;

    /// <summary>
    /// The activation after the last layer: none; relu / sigmoid / tanh, proven by the output layer's lookup
    /// table (<see cref="ProvesOutputActivation"/>); or <see cref="Activation.Softmax"/>, which is not proven
    /// (the outputs are the logits before it; argmax is the same).
    /// </summary>
    public Activation OutputActivation => Layers[^1].Activation;

    /// <summary>True when the output layer has a lookup table: the public outputs are its activation's values.</summary>
    public bool ProvesOutputActivation => Layers[^1].Table != null;

    /// <summary>True when the public outputs are logits (no final activation, or a final Softmax that is not applied).</summary>
    public bool OutputsAreLogits => !ProvesOutputActivation;

    /// <summary>SHA-256 of the canonical serialization (32 bytes).</summary>
    public byte[] Digest { get; }

    /// <summary>Digest as lower-case hex.</summary>
    public string DigestHex => Convert.ToHexStringLower(Digest);

    /// <summary>Quantizes one float sample: X = clamp(round(x / InputScale), ±InputBound) (round half away from zero).</summary>
    /// <exception cref="ArgumentException">Wrong length or a non-finite value.</exception>
    public long[] QuantizeInput(ReadOnlySpan<float> x)
    {
        if (x.Length != InputSize) throw new ArgumentException($"input has {x.Length} values, the circuit expects {InputSize}", nameof(x));
        var r = new long[x.Length];
        long b = InputBound;
        for (int i = 0; i < x.Length; i++)
        {
            if (!float.IsFinite(x[i])) throw new ArgumentException($"input[{i}] is {x[i]}, expected a finite number", nameof(x));
            double q = Math.Round(x[i] / InputScale, MidpointRounding.AwayFromZero);
            r[i] = (long)Math.Clamp(q, -b, b);
        }
        return r;
    }

    /// <summary>Dequantizes public outputs: y_j = Y_j · OutputScale (logits, or the proven activation's values).</summary>
    public double[] DequantizeOutput(ReadOnlySpan<long> z)
    {
        var y = new double[z.Length];
        for (int j = 0; j < z.Length; j++) y[j] = z[j] * OutputScale;
        return y;
    }

    /// <summary>The smallest power of two ≥ max(n, 1).</summary>
    public static int NextPowerOfTwo(int n) => n <= 1 ? 1 : (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)n);
}

/// <summary>The input segment of the lookup table of a circuit with range-checked private inputs (docs/zk-design.md §6).</summary>
/// <param name="QMin">The first value, −InputBound.</param>
/// <param name="Values">How many values it covers, 2·InputBound + 1.</param>
/// <param name="LogSize">log2 of its size in the table (ActBits).</param>
public sealed record InputSegment(long QMin, long Values, int LogSize);

using ZkMl.Compiler.Model;

namespace ZkMl.Compiler.Quantization;

/// <summary>
/// One integer dense layer of a <see cref="Circuit"/>:
/// <c>Z = A·W + b</c> exactly; for a hidden layer also
/// <c>Q = floor((Z·M + 2^(k−1)) / 2^k)</c>, remainder <c>R = Z·M + 2^(k−1) − Q·2^k ∈ [0, 2^k)</c>
/// split into <see cref="LimbCount"/> limbs of c bits (little-endian: R = Σ 2^(i·c)·R_i), and
/// <c>A = Table(Q)</c>. The output layer stops at Z (the public logits), unless the model applies a
/// relu / sigmoid / tanh after it: then it has Q, R and A like a hidden layer and A is the public output.
/// A <see cref="LayerKind.Conv"/> layer has the same Z/Q/R/A with Z the convolution of its input by the
/// kernel <see cref="Weights"/> [OutC, InC, KH, KW] plus the per-channel bias (never an im2col matrix);
/// an <see cref="LayerKind.AveragePool"/> layer has Z = the window sum (implicit weights 1, no bias) and the
/// requantization by M/2^k ≈ s_in/(KH·KW·s_q); a <see cref="LayerKind.MaxPool"/> layer has Z = A = the window
/// maximum and no Q, R or table. The bounds <see cref="ZMin"/>/<see cref="ZMax"/> are per output column
/// (dense) or per output channel (conv, pooling).
/// </summary>
public sealed class CircuitLayer
{
    internal CircuitLayer() { }

    /// <summary>Position in the chain, 0 = first layer.</summary>
    public int Index { get; internal init; }

    /// <summary>True for the last layer (its Z is the public output, or its A when it has a <see cref="Table"/>).</summary>
    public bool IsOutput { get; internal init; }

    /// <summary>Inputs (rows of W).</summary>
    public int InputSize { get; internal init; }

    /// <summary>Outputs (columns of W).</summary>
    public int OutputSize { get; internal init; }

    /// <summary>What the layer computes (dense unless the circuit has conv or pooling layers).</summary>
    public LayerKind Kind { get; internal init; }

    /// <summary>The geometry of a conv or pooling layer; null for a dense layer.</summary>
    public Conv2dGeometry? Geometry { get; internal init; }

    /// <summary>
    /// The per-sample shape of the input: [InputSize], or [C, H, W] after a conv/pooling layer (or at the input of
    /// a circuit that starts with one). Witness tensors pad every dimension to a power of two (<see cref="Circuit.PaddedIndex"/>).
    /// </summary>
    public IReadOnlyList<int> InputShape { get; internal init; } = [];

    /// <summary>The per-sample shape of the output: [OutputSize] for a dense layer, [OutC, OutH, OutW] otherwise.</summary>
    public IReadOnlyList<int> OutputShape => Geometry is { } g ? [g.OutC, g.OutH, g.OutW] : [OutputSize];

    /// <summary>The padded input size: the product of the input shape's dimensions, each rounded up to a power of two (InputSize rounded up for a dense input).</summary>
    public int PaddedInputSize => Circuit.PaddedSize(InputShape.Count == 0 ? [InputSize] : InputShape, MinPaddedWidth);

    /// <summary>The padded output size (OutputSize rounded up to a power of two for a dense layer; per dimension for conv/pooling).</summary>
    public int PaddedOutputSize => Circuit.PaddedSize(OutputShape, MinPaddedWidth);

    /// <summary>The smallest padded width of a dense input or output (4 in a zero-knowledge circuit, else 1; <see cref="ZkSettings.MinPaddedWidth"/>).</summary>
    internal int MinPaddedWidth { get; private set; } = 1;

    /// <summary>A copy of this layer with another minimum padded width (the arrays are shared: they are never written after construction).</summary>
    internal CircuitLayer WithMinPaddedWidth(int minWidth)
    {
        var c = (CircuitLayer)MemberwiseClone();
        c.MinPaddedWidth = minWidth;
        return c;
    }

    internal long[] WeightData = [];
    internal long[] BiasData = [];
    internal long[] ZMinData = [];
    internal long[] ZMaxData = [];

    /// <summary>Integer weights, row-major [InputSize × OutputSize] (dense) or the kernel [OutC, InC, KH, KW] (conv; empty for pooling), each within ±(2^(weightBits−1)−1).</summary>
    public ReadOnlySpan<long> Weights => WeightData;

    /// <summary>Integer bias at the accumulator scale s_in·s_w, one per output (dense) or output channel (conv); empty for pooling.</summary>
    public ReadOnlySpan<long> Bias => BiasData;

    /// <summary>
    /// Dense weights zero-padded to [PaddedInputSize × PaddedOutputSize], row-major (a fresh array); input
    /// feature i sits at row <see cref="Circuit.PaddedIndex"/>(InputShape, i) (row i for a dense input).
    /// </summary>
    /// <exception cref="InvalidOperationException">Not a dense layer.</exception>
    public long[] PaddedWeights()
    {
        if (Kind != LayerKind.Dense) throw new InvalidOperationException($"layer {Index} is a {Kind} layer; its kernel is Weights [OutC, InC, KH, KW]");
        int pi = PaddedInputSize, po = PaddedOutputSize;
        var r = new long[(long)pi * po];
        var shape = InputShape.Count == 0 ? [InputSize] : InputShape;
        for (int i = 0; i < InputSize; i++)
            Array.Copy(WeightData, i * OutputSize, r, (long)Circuit.PaddedIndex(shape, i) * po, OutputSize);
        return r;
    }

    /// <summary>Bias zero-padded to PaddedOutputSize (a fresh array).</summary>
    /// <exception cref="InvalidOperationException">Not a dense layer.</exception>
    public long[] PaddedBias()
    {
        if (Kind != LayerKind.Dense) throw new InvalidOperationException($"layer {Index} is a {Kind} layer; its bias is per output channel");
        var r = new long[PaddedOutputSize];
        Array.Copy(BiasData, r, OutputSize);
        return r;
    }

    /// <summary>The scale of this layer's input (s_in): real value ≈ integer · s_in.</summary>
    public double InputScale { get; internal init; }

    /// <summary>The per-tensor weight scale s_w.</summary>
    public double WeightScale { get; internal init; }

    /// <summary>The scale of Z and of the bias: s_in·s_w.</summary>
    public double AccumulatorScale => InputScale * WeightScale;

    /// <summary>The scale of Q (hidden layers): M/2^k ≈ AccumulatorScale / QScale. For the output layer, equals AccumulatorScale.</summary>
    public double QScale { get; internal init; }

    /// <summary>The scale of A (hidden layers; the next layer's InputScale).</summary>
    public double OutputScale { get; internal init; }

    /// <summary>Requantization multiplier M (layers with a table; 0 for an output layer without one).</summary>
    public long Multiplier { get; internal init; }

    /// <summary>Requantization shift k, a multiple of the limb width c (layers with a table; 0 for an output layer without one).</summary>
    public int Shift { get; internal init; }

    /// <summary>Number of c-bit remainder limbs, k/c (0 for an output layer without a table).</summary>
    public int LimbCount { get; internal init; }

    /// <summary>The activation; for the output layer none, a proven one (with a <see cref="Table"/>) or the unproven <see cref="Activation.Softmax"/>.</summary>
    public Activation Activation { get; internal init; }

    /// <summary>The activation lookup table over Q's proven domain (null for an output layer without a proven activation).</summary>
    public ActivationTable? Table { get; internal init; }

    /// <summary>Proven lower bound of Z per output column (for every input in the circuit's input range).</summary>
    public ReadOnlySpan<long> ZMin => ZMinData;

    /// <summary>Proven upper bound of Z per output column.</summary>
    public ReadOnlySpan<long> ZMax => ZMaxData;

    /// <summary>max |Z| over all columns (proven).</summary>
    public long ZBound { get; internal init; }

    /// <summary>Proven range of Q (hidden layers) = the table domain.</summary>
    public long QMin => Table?.QMin ?? 0;

    /// <summary>Proven upper end of Q (hidden layers).</summary>
    public long QMax => Table?.QMax ?? 0;

    /// <summary>Range of A (hidden layers): the smallest table value.</summary>
    public long AMin { get; internal init; }

    /// <summary>Range of A (hidden layers): the largest table value.</summary>
    public long AMax { get; internal init; }

    /// <summary>Optional source name.</summary>
    public string? Name { get; internal init; }
}

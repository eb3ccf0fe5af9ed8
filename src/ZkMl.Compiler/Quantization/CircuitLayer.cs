using ZkMl.Compiler.Model;

namespace ZkMl.Compiler.Quantization;

/// <summary>
/// One integer dense layer of a <see cref="Circuit"/>:
/// <c>Z = A·W + b</c> exactly; for a hidden layer also
/// <c>Q = floor((Z·M + 2^(k−1)) / 2^k)</c>, remainder <c>R = Z·M + 2^(k−1) − Q·2^k ∈ [0, 2^k)</c>
/// split into <see cref="LimbCount"/> limbs of c bits (little-endian: R = Σ 2^(i·c)·R_i), and
/// <c>A = Table(Q)</c>. The output layer stops at Z (the public logits), unless the model applies a
/// relu / sigmoid / tanh after it: then it has Q, R and A like a hidden layer and A is the public output.
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

    /// <summary>InputSize rounded up to a power of two.</summary>
    public int PaddedInputSize => Circuit.NextPowerOfTwo(InputSize);

    /// <summary>OutputSize rounded up to a power of two.</summary>
    public int PaddedOutputSize => Circuit.NextPowerOfTwo(OutputSize);

    internal long[] WeightData = [];
    internal long[] BiasData = [];
    internal long[] ZMinData = [];
    internal long[] ZMaxData = [];

    /// <summary>Integer weights, row-major [InputSize × OutputSize], each within ±(2^(weightBits−1)−1).</summary>
    public ReadOnlySpan<long> Weights => WeightData;

    /// <summary>Integer bias at the accumulator scale s_in·s_w, one per output.</summary>
    public ReadOnlySpan<long> Bias => BiasData;

    /// <summary>Weights zero-padded to [PaddedInputSize × PaddedOutputSize], row-major (a fresh array).</summary>
    public long[] PaddedWeights()
    {
        int pi = PaddedInputSize, po = PaddedOutputSize;
        var r = new long[(long)pi * po];
        for (int i = 0; i < InputSize; i++)
            Array.Copy(WeightData, i * OutputSize, r, (long)i * po, OutputSize);
        return r;
    }

    /// <summary>Bias zero-padded to PaddedOutputSize (a fresh array).</summary>
    public long[] PaddedBias()
    {
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

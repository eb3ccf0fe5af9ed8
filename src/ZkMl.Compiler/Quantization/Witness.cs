namespace ZkMl.Compiler.Quantization;

/// <summary>
/// The witness of one layer for a padded batch, every tensor row-major
/// [<see cref="Rows"/> × <see cref="Cols"/>] with Rows = padded batch size and Cols = the layer's
/// padded output size. Padded rows are real inferences on zero inputs; padded columns have Z = 0,
/// Q = 0, R = 2^(k−1), A = Table(0). A conv or pooling layer's columns are its output [C, H, W] with every
/// dimension padded (<see cref="Circuit.PaddedIndex"/>); a max-pool layer has no Q or limbs and its A is its Z
/// (the window maxima; 0 at padded positions).
/// </summary>
public sealed class LayerWitness
{
    internal LayerWitness(int rows, int cols, long[] z, long[]? q, long[][]? limbs, long[]? a)
    {
        Rows = rows; Cols = cols; Z = z; Q = q; RemainderLimbs = limbs; A = a;
    }

    /// <summary>Padded batch size.</summary>
    public int Rows { get; }

    /// <summary>Padded output size of the layer.</summary>
    public int Cols { get; }

    /// <summary>Accumulators Z = A_prev·W + b.</summary>
    public long[] Z { get; }

    /// <summary>Requantized values Q (null for an output layer without a table).</summary>
    public long[]? Q { get; }

    /// <summary>
    /// Remainder limbs (null for an output layer without a table): RemainderLimbs[i][e] ∈ [0, 2^c) and
    /// Z·M + 2^(k−1) = Q·2^k + Σ_i 2^(i·c)·RemainderLimbs[i].
    /// </summary>
    public long[][]? RemainderLimbs { get; }

    /// <summary>
    /// Entries of the real rows and columns that the table clamps at ±(2^(actBits−1) − 1), the calibration maximum,
    /// with Q past it by more than one rounding step (see IntegerExecutor.CountSaturated; 0 without a table).
    /// </summary>
    public long Saturated { get; internal init; }

    /// <summary>Activations A = Table(Q) (null for an output layer without a table).</summary>
    public long[]? A { get; }
}

/// <summary>
/// The witness of a batch inference (DESIGN.md §3/§4): padded integer input, per layer Z/Q/R/A,
/// the public output logits and the dequantized outputs of the real rows.
/// </summary>
public sealed class Witness
{
    internal Witness(Circuit circuit, int batchSize, long[] input, IReadOnlyList<LayerWitness> layers, double[][] dequantized)
    {
        Circuit = circuit; BatchSize = batchSize; Input = input; Layers = layers; DequantizedOutputs = dequantized;
    }

    /// <summary>The circuit that produced the witness.</summary>
    public Circuit Circuit { get; }

    /// <summary>Number of real samples.</summary>
    public int BatchSize { get; }

    /// <summary>BatchSize rounded up to a power of two.</summary>
    public int PaddedBatchSize => Circuit.NextPowerOfTwo(BatchSize);

    /// <summary>Integer input X, [PaddedBatchSize × circuit.PaddedInputSize], zero-padded (public).</summary>
    public long[] Input { get; }

    /// <summary>Per layer witness, input side first.</summary>
    public IReadOnlyList<LayerWitness> Layers { get; }

    /// <summary>The input of layer <paramref name="layer"/>: <see cref="Input"/> for layer 0, else the previous layer's A ([PaddedBatchSize × that layer's PaddedInputSize]).</summary>
    public long[] LayerInput(int layer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layer, Layers.Count);
        return layer == 0 ? Input : Layers[layer - 1].A!;
    }

    /// <summary>
    /// Public outputs Y, [PaddedBatchSize × PaddedOutputSize of the last layer]: the logits Z_L, or A_L when
    /// the circuit proves its final activation.
    /// </summary>
    public long[] Output => Layers[^1].A ?? Layers[^1].Z;

    /// <summary>Saturated entries per layer (see <see cref="LayerWitness.Saturated"/>).</summary>
    public long[] SaturationCounts() => Layers.Select(l => l.Saturated).ToArray();

    /// <summary>Dequantized outputs of the real samples: [BatchSize][OutputSize].</summary>
    public double[][] DequantizedOutputs { get; }

    /// <summary>argmax of each real sample's public outputs (the first of equal maxima).</summary>
    public int[] Predictions()
    {
        var last = Layers[^1];
        var y = Output;
        int m = Circuit.OutputSize;
        var r = new int[BatchSize];
        for (int b = 0; b < BatchSize; b++)
        {
            int best = 0;
            for (int j = 1; j < m; j++)
                if (y[(long)b * last.Cols + Circuit.OutputIndex(j)] > y[(long)b * last.Cols + Circuit.OutputIndex(best)]) best = j;
            r[b] = best;
        }
        return r;
    }
}

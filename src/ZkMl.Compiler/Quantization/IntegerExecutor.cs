using System.Numerics.Tensors;
using ZkMl.Compiler.Model;

namespace ZkMl.Compiler.Quantization;

/// <summary>
/// Runs a <see cref="Circuit"/> exactly in integers; the witness generator of the prover.
/// Every value is checked against the compiler's proven bounds at run time: a violation throws
/// <see cref="InvalidOperationException"/> (it would be a compiler bug, never a user error).
/// </summary>
public static class IntegerExecutor
{
    /// <summary>Quantizes the float samples and runs the batch; see <see cref="RunQuantized(Circuit, IReadOnlyList{long[]})"/>.</summary>
    /// <exception cref="ArgumentException">No sample, or a sample of the wrong length / non-finite.</exception>
    public static Witness Run(Circuit circuit, IReadOnlyList<float[]> samples)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(samples);
        var q = new long[samples.Count][];
        for (int b = 0; b < samples.Count; b++) q[b] = circuit.QuantizeInput(samples[b]);
        return RunQuantized(circuit, q);
    }

    /// <summary>
    /// Runs a batch of integer inputs (each InputSize values in ±InputBound) and returns the full
    /// padded witness.
    /// </summary>
    /// <exception cref="ArgumentException">No sample, wrong length or an input out of range.</exception>
    public static Witness RunQuantized(Circuit circuit, IReadOnlyList<long[]> inputs) => RunQuantized(circuit, inputs, checkInputRange: true);

    /// <summary>
    /// As <see cref="RunQuantized(Circuit, IReadOnlyList{long[]})"/>; <paramref name="checkInputRange"/> = false runs inputs outside
    /// ±InputBound (tests only: the witness of a prover forced to cheat on the input range check).
    /// </summary>
    internal static Witness RunQuantized(Circuit circuit, IReadOnlyList<long[]> inputs, bool checkInputRange)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0) throw new ArgumentException("the batch is empty", nameof(inputs));
        int batch = inputs.Count;
        int rows = Circuit.NextPowerOfTwo(batch);
        int n0 = circuit.PaddedInputSize;
        var x = new long[(long)rows * n0];
        for (int b = 0; b < batch; b++)
        {
            var row = inputs[b];
            if (row.Length != circuit.InputSize)
                throw new ArgumentException($"sample {b} has {row.Length} values, the circuit expects {circuit.InputSize}", nameof(inputs));
            for (int i = 0; i < row.Length; i++)
            {
                if (checkInputRange && Math.Abs(row[i]) > circuit.InputBound)
                    throw new ArgumentException($"sample {b} input[{i}] = {row[i]} is outside ±{circuit.InputBound}", nameof(inputs));
                x[(long)b * n0 + Circuit.PaddedIndex(circuit.InputShape, i)] = row[i];
            }
        }
        var layers = new List<LayerWitness>();
        long[] a = x;
        int aCols = n0;
        foreach (var layer in circuit.Layers)
        {
            int cols = layer.PaddedOutputSize;
            var z = new long[(long)rows * cols];
            if (layer.Kind == LayerKind.Dense && layer.InputShape.Count <= 1)
            {
                for (int r = 0; r < rows; r++)
                    Affine(layer, a.AsSpan((int)((long)r * aCols), layer.InputSize), z.AsSpan((int)((long)r * cols), layer.OutputSize));
            }
            else
            {
                // Per row: the real input values out of the padded layout, the layer, the real outputs into the padded layout.
                var inReal = new long[layer.InputSize];
                var zReal = new long[layer.OutputSize];
                var inShape = layer.InputShape;
                var outShape = layer.OutputShape;
                for (int r = 0; r < rows; r++)
                {
                    long ra = (long)r * aCols, rz = (long)r * cols;
                    for (int i = 0; i < inReal.Length; i++) inReal[i] = a[ra + Circuit.PaddedIndex(inShape, i)];
                    Forward(layer, inReal, zReal);
                    for (int j = 0; j < zReal.Length; j++) z[rz + Circuit.PaddedIndex(outShape, j)] = zReal[j];
                }
            }
            if (layer.Kind == LayerKind.MaxPool)
            {
                // Z = A = the maximum (padded entries 0): no requantization; the next layer reads it as its input.
                layers.Add(new LayerWitness(rows, cols, z, null, null, z));
                if (layer.IsOutput) break;
                a = z;
                aCols = cols;
                continue;
            }
            if (layer.Table == null)
            {
                layers.Add(new LayerWitness(rows, cols, z, null, null, null));
                break;
            }
            var q = new long[z.Length];
            var act = new long[z.Length];
            int c = circuit.LimbBits;
            long mask = (1L << c) - 1;
            var limbs = new long[layer.LimbCount][];
            for (int i = 0; i < limbs.Length; i++) limbs[i] = new long[z.Length];
            var table = layer.Table!;
            Int128 half = Int128.One << (layer.Shift - 1);
            for (long e = 0; e < z.Length; e++)
            {
                Int128 t = (Int128)z[e] * layer.Multiplier + half;
                long qe = (long)(t >> layer.Shift);
                Int128 rem = t - ((Int128)qe << layer.Shift);
                if (rem < 0 || rem >= Int128.One << layer.Shift) throw new InvalidOperationException("remainder out of range (executor bug)");
                q[e] = qe;
                ulong ru = (ulong)rem;
                for (int i = 0; i < limbs.Length; i++) limbs[i][e] = (long)((ru >> (i * c)) & (ulong)mask);
                act[e] = table.Lookup(qe);
                if (act[e] < layer.AMin || act[e] > layer.AMax) throw new InvalidOperationException($"layer {layer.Index}: A outside its proven range (compiler bug)");
            }
            long sat = CountSaturated(table.Activation, q, act, batch, cols, layer.OutputSize, circuit.InputBound, layer.OutputShape);
            layers.Add(new LayerWitness(rows, cols, z, q, limbs, act) { Saturated = sat });
            a = act;
            aCols = cols;
        }
        var outLayer = layers[^1];
        var y = outLayer.A ?? outLayer.Z;
        var deq = new double[batch][];
        var yRow = new long[circuit.OutputSize];
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < yRow.Length; j++) yRow[j] = y[(long)b * outLayer.Cols + circuit.OutputIndex(j)];
            deq[b] = circuit.DequantizeOutput(yRow);
        }
        return new Witness(circuit, batch, x, layers, deq);
    }

    /// <summary>Runs one integer sample and returns its public outputs: the logits Z_L, or A_L with a proven final activation (no witness kept).</summary>
    public static long[] Infer(Circuit circuit, ReadOnlySpan<long> input)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        if (input.Length != circuit.InputSize) throw new ArgumentException($"input has {input.Length} values, the circuit expects {circuit.InputSize}", nameof(input));
        long[] a = input.ToArray();
        foreach (long v in a)
            if (Math.Abs(v) > circuit.InputBound) throw new ArgumentException($"input value {v} is outside ±{circuit.InputBound}", nameof(input));
        foreach (var layer in circuit.Layers)
        {
            var z = new long[layer.OutputSize];
            Forward(layer, a, z);
            if (layer.Kind == LayerKind.MaxPool)
            {
                if (layer.IsOutput) return z;
                a = z;
                continue;
            }
            if (layer.Table == null) return z;
            for (int j = 0; j < z.Length; j++)
                z[j] = layer.Table.Lookup(CircuitCompiler.Requantize(z[j], layer.Multiplier, layer.Shift));
            if (layer.IsOutput) return z;
            a = z;
        }
        throw new InvalidOperationException("circuit has no output layer");
    }

    /// <summary>
    /// Rows of at least this many outputs use <see cref="TensorPrimitives"/> (SIMD); shorter rows a plain loop, which is
    /// faster there (<c>TensorPrimitivesBenchmarks</c>, bench/README.md). Both compute the same wrapping int64 sums, and
    /// the bounds proven at compile time keep them far from overflow.
    /// </summary>
    internal const int TensorRowThreshold = 32;

    /// <summary>The layer before requantization on one sample's real (unpadded) values, checked against the proven bounds.</summary>
    private static void Forward(CircuitLayer layer, ReadOnlySpan<long> a, Span<long> z)
    {
        switch (layer.Kind)
        {
            case LayerKind.Dense: Affine(layer, a, z); return;
            case LayerKind.Conv: Conv(layer, a, z); break;
            default: Pool(layer, a, z); break;
        }
        var g = layer.Geometry!;
        int plane = g.OutH * g.OutW;
        var lo = layer.ZMin;
        var hi = layer.ZMax;
        for (int j = 0; j < z.Length; j++)
        {
            int o = j / plane;
            if (z[j] < lo[o] || z[j] > hi[o])
                throw new InvalidOperationException($"layer {layer.Index}: Z[{j}] = {z[j]} outside its proven channel-{o} bound [{lo[o]}, {hi[o]}] (compiler bug)");
        }
    }

    /// <summary>Z[o, y, x] = b[o] + Σ_{i, dy, dx} K[o, i, dy, dx]·A[i, s·y + dy − p, s·x + dx − p] (zero outside the input), exactly.</summary>
    private static void Conv(CircuitLayer layer, ReadOnlySpan<long> a, Span<long> z) =>
        layer.Geometry!.Convolve(layer.Weights, layer.Bias, a, z);

    /// <summary>Max pooling (the maximum of the window's real entries) or average pooling's window sum (padded entries 0).</summary>
    private static void Pool(CircuitLayer layer, ReadOnlySpan<long> a, Span<long> z) =>
        layer.Geometry!.ReduceWindows(layer.Kind == LayerKind.MaxPool, long.MinValue, a, z);

    /// <summary>z = a·W + b for the real columns, checked against the proven per-column bounds.</summary>
    private static void Affine(CircuitLayer layer, ReadOnlySpan<long> a, Span<long> z)
    {
        int m = layer.OutputSize;
        var w = layer.Weights;
        layer.Bias.CopyTo(z);
        for (int i = 0; i < a.Length; i++)
        {
            long ai = a[i];
            if (ai == 0) continue;
            var row = w.Slice(i * m, m);
            if (m >= TensorRowThreshold) TensorPrimitives.MultiplyAdd(row, ai, z, z);
            else for (int j = 0; j < m; j++) z[j] += ai * row[j];
        }
        var lo = layer.ZMin;
        var hi = layer.ZMax;
        for (int j = 0; j < m; j++)
            if (z[j] < lo[j] || z[j] > hi[j])
                throw new InvalidOperationException($"layer {layer.Index}: Z[{j}] = {z[j]} outside its proven bound [{lo[j]}, {hi[j]}] (compiler bug)");
    }

    /// <summary>
    /// Saturation: entries whose activation the table clamps to ±qa (qa = 2^(actBits−1) − 1, the calibration maximum)
    /// while Q lies past the calibrated range by more than one rounding step (|Q| &gt; qa + 1), counted over the real
    /// rows and columns. Sigmoid and tanh never clamp (their tables span the whole output range); a relu's negative
    /// Q is its zero, not a saturation. The "+ 1" keeps the model's own calibration maximum, which integer rounding
    /// can land one step past qa, from counting.
    /// </summary>
    internal static long CountSaturated(Activation activation, long[] q, long[] a, int batch, int cols, int outputSize, long qa, IReadOnlyList<int>? shape = null)
    {
        if (activation is Activation.Sigmoid or Activation.Tanh) return 0;
        long sat = 0;
        for (int r = 0; r < batch; r++)
            for (int j = 0; j < outputSize; j++)
            {
                // A conv/pooling layer's values sit at their per-dimension padded positions (Circuit.PaddedIndex).
                long e = (long)r * cols + (shape is null ? j : Circuit.PaddedIndex(shape, j));
                if (Math.Abs(q[e]) > qa + 1 && Math.Abs(a[e]) == qa) sat++;
            }
        return sat;
    }
}

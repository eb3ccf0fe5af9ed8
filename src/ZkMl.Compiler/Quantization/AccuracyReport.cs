using ZkMl.Compiler.Model;

namespace ZkMl.Compiler.Quantization;

/// <summary>Float vs quantized outputs on sample data: argmax agreement and absolute errors of the dequantized outputs.</summary>
public sealed record AccuracyReport
{
    /// <summary>Number of samples compared.</summary>
    public int Samples { get; init; }

    /// <summary>Samples whose float and quantized argmax agree.</summary>
    public int ArgmaxAgreements { get; init; }

    /// <summary>ArgmaxAgreements / Samples.</summary>
    public double ArgmaxAgreement => Samples == 0 ? 0 : (double)ArgmaxAgreements / Samples;

    /// <summary>Largest |float − dequantized| over all outputs.</summary>
    public double MaxAbsError { get; init; }

    /// <summary>Mean |float − dequantized| over all outputs.</summary>
    public double MeanAbsError { get; init; }

    /// <summary>Largest |float output| (to put the errors in proportion).</summary>
    public double MaxAbsOutput { get; init; }

    /// <summary>Runs the float network (ZkMl's float executor) and the circuit on every sample and compares.</summary>
    public static AccuracyReport Measure(Network network, Circuit circuit, IReadOnlyList<float[]> samples)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(samples);
        return Measure(FloatExecutor.Run(network, samples), circuit, samples);
    }

    /// <summary>Compares the float outputs <paramref name="reference"/> (one row per sample, e.g. from ONNX Runtime) with the circuit's dequantized outputs.</summary>
    /// <exception cref="ArgumentException">The reference has another number of rows, or a row another length than the circuit's outputs.</exception>
    public static AccuracyReport Measure(IReadOnlyList<float[]> reference, Circuit circuit, IReadOnlyList<float[]> samples)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(samples);
        var q = Dequantized(circuit, samples);
        return Compare(reference, q);
    }

    /// <summary>The circuit's dequantized outputs of every sample (the integer executor: what a proof shows), in parallel.</summary>
    public static double[][] Dequantized(Circuit circuit, IReadOnlyList<float[]> samples)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(samples);
        var q = new double[samples.Count][];
        Parallel.For(0, samples.Count, i => q[i] = circuit.DequantizeOutput(IntegerExecutor.Infer(circuit, circuit.QuantizeInput(samples[i]))));
        return q;
    }

    /// <summary>Compares float outputs with dequantized outputs row by row.</summary>
    /// <exception cref="ArgumentException">Different row counts or row lengths.</exception>
    public static AccuracyReport Compare(IReadOnlyList<float[]> reference, IReadOnlyList<double[]> quantized)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(quantized);
        if (reference.Count != quantized.Count)
            throw new ArgumentException($"the float reference has {reference.Count} rows, the circuit {quantized.Count}", nameof(reference));
        int agree = 0;
        double maxErr = 0, sumErr = 0, maxOut = 0;
        long count = 0;
        for (int r = 0; r < reference.Count; r++)
        {
            float[] f = reference[r];
            double[] q = quantized[r];
            if (f.Length != q.Length)
                throw new ArgumentException($"row {r}: the float reference has {f.Length} outputs, the circuit {q.Length}", nameof(reference));
            if (ArgMax(f) == ArgMax(q)) agree++;
            for (int j = 0; j < f.Length; j++)
            {
                double e = Math.Abs(f[j] - q[j]);
                maxErr = Math.Max(maxErr, e);
                sumErr += e;
                maxOut = Math.Max(maxOut, Math.Abs(f[j]));
                count++;
            }
        }
        return new AccuracyReport
        {
            Samples = reference.Count, ArgmaxAgreements = agree, MaxAbsError = maxErr,
            MeanAbsError = count == 0 ? 0 : sumErr / count, MaxAbsOutput = maxOut,
        };
    }

    /// <summary>The index of the largest value (the first one on ties).</summary>
    public static int ArgMaxOf(ReadOnlySpan<float> v) => ArgMax(v);

    /// <summary>The index of the largest value (the first one on ties).</summary>
    public static int ArgMaxOf(ReadOnlySpan<double> v) => ArgMax(v);

    internal static int ArgMax(ReadOnlySpan<float> v)
    {
        int b = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[b]) b = i;
        return b;
    }

    internal static int ArgMax(ReadOnlySpan<double> v)
    {
        int b = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[b]) b = i;
        return b;
    }
}

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

    /// <summary>Runs the float network and the circuit on every sample and compares.</summary>
    public static AccuracyReport Measure(Network network, Circuit circuit, IReadOnlyList<float[]> samples)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(samples);
        int agree = 0;
        double maxErr = 0, sumErr = 0, maxOut = 0;
        long count = 0;
        foreach (var x in samples)
        {
            float[] f = FloatExecutor.Run(network, x);
            double[] q = circuit.DequantizeOutput(IntegerExecutor.Infer(circuit, circuit.QuantizeInput(x)));
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
            Samples = samples.Count, ArgmaxAgreements = agree, MaxAbsError = maxErr,
            MeanAbsError = count == 0 ? 0 : sumErr / count, MaxAbsOutput = maxOut,
        };
    }

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

using ZkMl.Compiler.Model;

namespace ZkMl.Compiler.Quantization;

/// <summary>
/// The lookup table of one hidden layer's activation: for every q in [QMin, QMax] (the proven
/// domain of Q, which always contains 0) the integer activation a = act(q). ReLU and identity are
/// clamps to the activation range; Sigmoid and Tanh are rounded float functions.
/// </summary>
public sealed class ActivationTable
{
    internal ActivationTable(Activation activation, long qMin, long[] values)
    {
        Activation = activation;
        QMin = qMin;
        ValueData = values;
    }

    internal readonly long[] ValueData;

    /// <summary>The activation this table implements.</summary>
    public Activation Activation { get; }

    /// <summary>The smallest q in the table.</summary>
    public long QMin { get; }

    /// <summary>The largest q in the table.</summary>
    public long QMax => QMin + ValueData.Length - 1;

    /// <summary>Number of entries (QMax − QMin + 1).</summary>
    public int Size => ValueData.Length;

    /// <summary>Values: <c>Values[i] = act(QMin + i)</c>.</summary>
    public ReadOnlySpan<long> Values => ValueData;

    /// <summary>act(q). Throws when q is outside the proven domain (a compiler bug if it ever happens).</summary>
    public long Lookup(long q)
    {
        long i = q - QMin;
        if ((ulong)i >= (ulong)ValueData.Length)
            throw new InvalidOperationException($"Q = {q} is outside the proven table domain [{QMin}, {QMax}] (compiler bound bug)");
        return ValueData[i];
    }
}

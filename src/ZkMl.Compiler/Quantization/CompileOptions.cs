namespace ZkMl.Compiler.Quantization;

/// <summary>How activation ranges are taken from the calibration samples.</summary>
public enum CalibrationMethod
{
    /// <summary>The largest absolute value seen.</summary>
    MaxAbs = 0,
    /// <summary>The <see cref="CompileOptions.Percentile"/>-th percentile of absolute values (clips outliers).</summary>
    Percentile = 1,
}

/// <summary>Options of <see cref="CircuitCompiler.Compile"/>. Defaults: int8 weights and activations, max-abs calibration, automatic limb width.</summary>
public sealed record CompileOptions
{
    /// <summary>Bits of the signed weights (2..16): weights lie in ±(2^(bits−1)−1).</summary>
    public int WeightBits { get; init; } = 8;

    /// <summary>Bits of the signed activations and inputs (2..16): values lie in ±(2^(bits−1)−1).</summary>
    public int ActBits { get; init; } = 8;

    /// <summary>Calibration method.</summary>
    public CalibrationMethod Calibration { get; init; } = CalibrationMethod.MaxAbs;

    /// <summary>
    /// The declared range of every input feature, [Lo, Hi] (e.g. [0, 1] for pixels): the input scale is
    /// max(|Lo|, |Hi|) / (2^(ActBits−1) − 1), so every input in the range is represented without clamping.
    /// Null: the calibration data's max |x|, widened by <see cref="InputMargin"/>.
    /// </summary>
    public (double Lo, double Hi)? InputRange { get; init; }

    /// <summary>Without <see cref="InputRange"/>: the input range is the calibration max |x| × (1 + InputMargin) (default 0).</summary>
    public double InputMargin { get; init; }

    /// <summary>Percentile (0 &lt; p ≤ 100) used by <see cref="CalibrationMethod.Percentile"/>.</summary>
    public double Percentile { get; init; } = 99.99;

    /// <summary>
    /// Range-limb width c (1..16, or <see cref="AutoLimbBits"/>): requantization remainders are split into
    /// c-bit limbs, each range-checked against one table of 2^c entries; the shift k is a multiple of c.
    /// Automatic: the width from 8 up to the largest activation table's (⌈log2⌉, at most 16) that needs the
    /// fewest limbs, the smallest on ties (MNIST MLP: 9 bits, 3 limbs instead of 4 with 8 bits).
    /// </summary>
    public int LimbBits { get; init; } = AutoLimbBits;

    /// <summary>The <see cref="LimbBits"/> value that lets the compiler choose the width.</summary>
    public const int AutoLimbBits = 0;

    /// <summary>Precision of the requantization multiplier: k is the smallest multiple of c with M ≥ 2^(MultiplierBits−1).</summary>
    public int MultiplierBits { get; init; } = 16;

    /// <summary>Largest allowed activation table: 2^MaxTableBits entries per layer.</summary>
    public int MaxTableBits { get; init; } = 20;

    /// <summary>
    /// The zero-knowledge choices (docs/zk-design.md §2): default <see cref="ZkSettings.None"/>. In ZK mode every padded
    /// layer and input width is at least 4 and the circuit is written as .zkc version 3; conv and pooling layers are
    /// not yet supported there.
    /// </summary>
    public ZkSettings Zk { get; init; }

    internal void Validate()
    {
        if (WeightBits is < 2 or > 16) throw new ArgumentOutOfRangeException(nameof(WeightBits), WeightBits, "weight bits must be in 2..16");
        if (ActBits is < 2 or > 16) throw new ArgumentOutOfRangeException(nameof(ActBits), ActBits, "activation bits must be in 2..16");
        if (LimbBits is < 0 or > 16) throw new ArgumentOutOfRangeException(nameof(LimbBits), LimbBits, "limb bits must be in 1..16 (or 0 = automatic)");
        if (MultiplierBits is < 2 or > 40) throw new ArgumentOutOfRangeException(nameof(MultiplierBits), MultiplierBits, "multiplier bits must be in 2..40");
        if (MaxTableBits is < 1 or > 24) throw new ArgumentOutOfRangeException(nameof(MaxTableBits), MaxTableBits, "table bits must be in 1..24");
        if (!(Percentile > 0 && Percentile <= 100)) throw new ArgumentOutOfRangeException(nameof(Percentile), Percentile, "percentile must be in (0, 100]");
        if (InputRange is { } r && !(double.IsFinite(r.Lo) && double.IsFinite(r.Hi) && r.Lo < r.Hi && Math.Max(Math.Abs(r.Lo), Math.Abs(r.Hi)) > 0))
            throw new ArgumentOutOfRangeException(nameof(InputRange), r, "input range must be finite numbers LO < HI");
        if (!(InputMargin >= 0 && InputMargin <= 100)) throw new ArgumentOutOfRangeException(nameof(InputMargin), InputMargin, "input margin must be in [0, 100]");
        if (Zk.Problem() is { } zp) throw new ArgumentOutOfRangeException(nameof(Zk), Zk, zp);
        if (!Enum.IsDefined(Calibration)) throw new ArgumentOutOfRangeException(nameof(Calibration), Calibration, "unknown calibration method");
    }
}

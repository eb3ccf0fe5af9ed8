using ZkMl.Algebra;

namespace ZkMl.Proofs.Polynomials;

/// <summary>
/// A multilinear polynomial whose hypercube evaluations are small signed integers (quantized tensors); it
/// stays integer until bound: <see cref="BindFirst"/> returns a <see cref="DenseMle"/> over Fr of half the
/// size, computed with one field multiplication per output entry. Same bit order as <see cref="DenseMle"/>.
/// </summary>
public sealed class SmallMle
{
    private readonly long[] _values;

    /// <summary>Wraps <paramref name="values"/> (not copied).</summary>
    /// <exception cref="ArgumentException">The length is not a power of two.</exception>
    public SmallMle(long[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Parallelism.Log2Exact(values.Length, "SmallMle");
        _values = values;
    }

    /// <summary>Number of variables n.</summary>
    public int NumVars => System.Numerics.BitOperations.Log2((uint)_values.Length);

    /// <summary>The integer evaluations (length 2^n).</summary>
    public ReadOnlySpan<long> Values => _values;

    /// <summary>The same polynomial with field-element evaluations (v mod r).</summary>
    public DenseMle ToDense() => DenseMle.FromInt64(_values);

    /// <summary>Fixes variable 1 to <paramref name="r"/>: w[i] = v[i] + r·(v[i + 2^(n−1)] − v[i]) as a new Fr MLE.</summary>
    /// <exception cref="InvalidOperationException">No variable left.</exception>
    public DenseMle BindFirst(Fr r)
    {
        if (_values.Length == 1) throw new InvalidOperationException("SmallMle: no variable left to bind");
        int half = _values.Length >> 1;
        var src = _values;
        var dst = new Fr[half];
        Parallelism.For(half, (start, end) =>
        {
            for (int i = start; i < end; i++)
            {
                long lo = src[i], hi = src[i + half];
                // The difference of two longs may overflow; fall back to field subtraction then.
                long diff = unchecked(hi - lo);
                Fr d = ((hi ^ lo) >= 0 || (diff ^ hi) >= 0) ? Fr.FromInt64(diff) : Fr.FromInt64(hi) - Fr.FromInt64(lo);
                Fr.Mul(d, r, out d);
                dst[i] = Fr.FromInt64(lo) + d;
            }
        });
        return new DenseMle(dst);
    }

    /// <summary>The value at <paramref name="point"/> (length n).</summary>
    /// <exception cref="ArgumentException">Wrong number of coordinates.</exception>
    public Fr Evaluate(ReadOnlySpan<Fr> point)
    {
        if (point.Length != NumVars) throw new ArgumentException($"MLE has {NumVars} variables, point has {point.Length} coordinates", nameof(point));
        if (point.Length == 0) return Fr.FromInt64(_values[0]);
        var m = BindFirst(point[0]);
        for (int j = 1; j < point.Length; j++) m.BindFirst(point[j]);
        return m[0];
    }

    /// <summary>Σ over the hypercube, computed exactly in integers (as 128-bit) then mapped to Fr.</summary>
    public Fr SumOverHypercube()
    {
        Int128 acc = 0;
        foreach (var v in _values) acc += v;
        return Fr.FromBigInteger((System.Numerics.BigInteger)acc);
    }
}

using ZkMl.Algebra;

namespace ZkMl.Proofs.Sumcheck;

/// <summary>Small univariate polynomials in coefficient form (c_0 + c_1 X + … + c_d X^d), as sent in sumcheck rounds.</summary>
public static class UniPoly
{
    /// <summary>Largest supported degree.</summary>
    public const int MaxDegree = 8;

    private static readonly Fr[] InverseFactorials = BuildInverseFactorials();

    private static Fr[] BuildInverseFactorials()
    {
        var r = new Fr[MaxDegree + 1];
        long f = 1;
        for (int k = 0; k <= MaxDegree; k++)
        {
            if (k > 0) f *= k;
            r[k] = Fr.FromInt64(f).Inverse();
        }
        return r;
    }

    /// <summary>Horner evaluation of Σ_k coefficients[k]·x^k.</summary>
    public static Fr Evaluate(ReadOnlySpan<Fr> coefficients, in Fr x)
    {
        var acc = Fr.Zero;
        for (int k = coefficients.Length - 1; k >= 0; k--)
        {
            Fr.Mul(acc, x, out acc);
            Fr.Add(acc, coefficients[k], out acc);
        }
        return acc;
    }

    /// <summary>
    /// The coefficients of the unique polynomial of degree ≤ d with the given values at X = 0, 1, …, d
    /// (d = evaluations.Length − 1), via Newton forward differences.
    /// </summary>
    /// <exception cref="ArgumentException">No evaluations or degree above <see cref="MaxDegree"/>.</exception>
    public static Fr[] FromEvaluations(ReadOnlySpan<Fr> evaluations)
    {
        int d = evaluations.Length - 1;
        if (d < 0 || d > MaxDegree) throw new ArgumentException($"interpolation needs 1..{MaxDegree + 1} evaluations, got {evaluations.Length}", nameof(evaluations));
        // Forward differences: Δ^k y_0; f(X) = Σ_k Δ^k y_0 / k! · X(X−1)…(X−k+1).
        Span<Fr> diff = stackalloc Fr[d + 1];
        evaluations.CopyTo(diff);
        var coeffs = new Fr[d + 1];
        Span<Fr> basis = stackalloc Fr[d + 1]; // monomial coefficients of X(X−1)…(X−k+1)
        basis.Clear();
        basis[0] = Fr.One;
        for (int k = 0; k <= d; k++)
        {
            var newton = diff[0] * InverseFactorials[k];
            for (int m = 0; m <= k; m++) coeffs[m] += newton * basis[m];
            for (int i = 0; i < d - k; i++) diff[i] = diff[i + 1] - diff[i];
            // basis ← basis · (X − k)
            var negK = Fr.FromInt64(-k);
            for (int m = k + 1; m >= 1; m--) if (m <= d) basis[m] = basis[m - 1] + basis[m] * negK;
            basis[0] *= negK;
        }
        return coeffs;
    }
}

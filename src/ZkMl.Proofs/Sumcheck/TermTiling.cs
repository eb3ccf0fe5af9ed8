using ZkMl.Algebra;
using ZkMl.Proofs.Polynomials;

namespace ZkMl.Proofs.Sumcheck;

/// <summary>
/// Round evaluations of Σ_x w(x)·Σ_t c_t Π_{k ∈ F_t} P_k(x) over n variables whose inputs P_k have n_k ≤ n variables, each
/// read as tiled on the last n_k coordinates (P_k(x) = P_k(x_{n−n_k+1..n})), as <see cref="DenseMle.Tiled"/> copies would
/// give, without materialising them. A term depends only on its last k_t = max_{k ∈ F_t} n_k coordinates, so while r &gt; k_t
/// variables remain, its part of the round polynomial is the constant Σ_{x'} w(x')·T(x') over the r − 1 free variables:
/// with w = eq(τ_{&gt;i}, ·) (zero-check) the eq factors of the coordinates T does not read sum to 1, leaving
/// Σ_{y ∈ {0,1}^{k_t}} eq(τ_{n−k_t+1..n}, y)·T(y); with w = 1 (plain) it is 2^{r−1−k_t}·Σ_y T(y). Those sums are taken once,
/// over each term's own hypercube; a round then evaluates only the terms that read its variable (k_t = r), over their
/// own tables (a factor shorter than the term is read at its index mod its length).
/// </summary>
internal sealed class TermTiling
{
    private readonly ProductSum _shape;
    private readonly IReadOnlyList<DenseMle> _mles;
    private readonly int[] _termVars;
    // _base[k] = Σ_y w(y)·Σ_{t: k_t = k} c_t·T_t(y) over {0,1}^k (w = eq(τ's last k coordinates, ·) or 1); zero for k ≥ n.
    private readonly Fr[] _base;
    private readonly bool _plain;

    /// <summary>Sums each group of terms over its own hypercube (the inputs must not be bound yet).</summary>
    /// <param name="shape">The product terms.</param>
    /// <param name="mles">The inputs, n_k ≤ <paramref name="n"/> variables each.</param>
    /// <param name="n">The number of variables of the sum.</param>
    /// <param name="tau">The zero-check point (n coordinates), or null for a plain sum.</param>
    /// <param name="eqTail">eq(τ_{2..n}, ·) when already built (2^{n−1} entries, reused for terms of n − 1 variables), or null.</param>
    public TermTiling(ProductSum shape, IReadOnlyList<DenseMle> mles, int n, Fr[]? tau, Fr[]? eqTail)
    {
        _shape = shape;
        _mles = mles;
        _plain = tau == null;
        _termVars = shape.Terms.Select(t => t.Factors.Length == 0 ? 0 : t.Factors.Max(k => mles[k].NumVars)).ToArray();
        _base = new Fr[n + 1];
        foreach (var k in _termVars.Where(k => k < n).Distinct())
        {
            var group = Enumerable.Range(0, _termVars.Length).Where(t => _termVars[t] == k).ToArray();
            var weights = tau == null ? null : k == n - 1 && eqTail != null ? eqTail : Eq.Table(tau.AsSpan(n - k));
            // One evaluation point (X = 0) over a "half" of 2^k: Σ_{y < 2^k} w(y)·Σ_t c_t Π P_k[y mod |P_k|].
            _base[k] = Evaluate(group, 1 << k, [0], 0, weights)[0];
        }
    }

    /// <summary>
    /// The round polynomial's values at <paramref name="points"/> (as the dense round of <see cref="SumcheckProver"/> would
    /// give them on tiled copies) when <paramref name="remaining"/> variables are left and every input of at least that
    /// many variables has been bound down to exactly that many.
    /// </summary>
    /// <param name="remaining">r ≥ 1, the variables not yet bound (this round binds the first of them).</param>
    /// <param name="points">The evaluation points X.</param>
    /// <param name="d">The largest point (the round's degree).</param>
    /// <param name="weights">eq(τ_{&gt;i}, ·) (at least 2^{r−1} entries), or null for a plain sum.</param>
    public Fr[] EvaluateRound(int remaining, int[] points, int d, Fr[]? weights)
    {
        var active = Enumerable.Range(0, _termVars.Length).Where(t => _termVars[t] >= remaining).ToArray();
        var result = active.Length > 0 ? Evaluate(active, 1 << (remaining - 1), points, d, weights) : new Fr[points.Length];
        var constant = Fr.Zero;
        for (int k = 0; k < remaining && k < _base.Length; k++)
            constant += _plain ? FieldPowers.TwoTo(remaining - 1 - k) * _base[k] : _base[k];
        for (int p = 0; p < result.Length; p++) result[p] += constant;
        return result;
    }

    /// <summary>
    /// Σ_{j &lt; half} w_j·Σ_{t ∈ terms} c_t Π_{k ∈ F_t} (lo_k + X·(hi_k − lo_k)) at each X in <paramref name="points"/>, with
    /// lo_k = P_k[j mod |P_k|] and hi_k = P_k[(j + half) mod |P_k|] (|P_k| ≤ 2·half; hi = lo for a factor of at most half).
    /// </summary>
    private Fr[] Evaluate(int[] terms, int half, int[] points, int d, Fr[]? weights)
    {
        var used = terms.SelectMany(t => _shape.Terms[t].Factors).Distinct().ToArray();
        var slot = new int[_mles.Count];
        for (int u = 0; u < used.Length; u++) slot[used[u]] = u;
        var arrays = used.Select(k => _mles[k].Buffer).ToArray();
        var masks = used.Select(k => _mles[k].Length - 1).ToArray();
        var factors = terms.Select(t => _shape.Terms[t].Factors.Select(k => slot[k]).ToArray()).ToArray();
        var coefficients = terms.Select(t => _shape.Terms[t].Coefficient).ToArray();
        var kinds = SumcheckProver.TermKinds(coefficients);
        // One term with a general coefficient c: Σ_j w_j·c·T_j = c·Σ_j w_j·T_j, one multiplication per point instead of per entry.
        var factorOut = Fr.One;
        if (terms.Length == 1 && kinds[0] == 0)
        {
            factorOut = coefficients[0];
            coefficients = [Fr.One];
            kinds = [1];
        }
        int np = points.Length;
        var total = new Fr[np];
        if (GroupedRound.TryGroups(used.Select(k => _mles[k]).ToArray(), half, out var ids, out var values))
            GroupedRound.Evaluate(ids, values, half, factors, kinds, coefficients, points, d, weights, total);
        else RoundKernel.AccumulateAll(half, arrays, masks, factors, kinds, coefficients, points, d, weights, total);
        if (!factorOut.IsOne)
            for (int i = 0; i < np; i++) Fr.Mul(total[i], factorOut, out total[i]);
        return total;
    }
}

using ZkMl.Algebra;
using ZkMl.Proofs.Polynomials;

namespace ZkMl.Proofs.Sumcheck;

/// <summary>
/// A sumcheck round over factors that take few distinct values, all grouped by one id array (<see cref="ValueGroups"/>, e.g. the
/// private input's range-check side, whose entries are functions of a small quantized input): the sum
/// Σ_{j &lt; half} w_j·Σ_t c_t Π_{k ∈ F_t} (lo_k + X·(hi_k − lo_k)) with lo_k = V_k[a_j], hi_k = V_k[b_j] (a_j, b_j the ids of entries
/// j and j + half) depends on j only through the pair (a_j, b_j), so it equals Σ_{(a,b)} W[a, b]·Σ_t c_t Π_k (V_k[a] + X·(V_k[b] − V_k[a]))
/// with W[a, b] = Σ_{j: (a_j, b_j) = (a, b)} w_j: one addition per pair instead of the products and the weight's multiplication,
/// then the products once per occurring value pair. Field sums are exact: the same values as <see cref="RoundKernel"/>.
/// </summary>
internal static class GroupedRound
{
    /// <summary>
    /// Tests: a counter of grouped rounds evaluated in the current async flow (set a fresh box, prove, read it), so that a test
    /// can check that a prover took the path, unaffected by tests running at the same time.
    /// </summary>
    internal static readonly AsyncLocal<System.Runtime.CompilerServices.StrongBox<int>?> TakenProbe = new();

    /// <summary>The parts of the pair sums: one per core from <see cref="Parallelism.Threshold"/> pairs on (each holds K² sums).</summary>
    private static int Parts(int half) => half >= Parallelism.Threshold ? Math.Max(1, Environment.ProcessorCount) : 1;

    /// <summary>Most distinct values per factor the path takes (its pair sums are K² field elements per thread).</summary>
    internal const int MaxValues = 256;

    /// <summary>
    /// The shared ids and each factor's distinct values when the grouped path applies and pays: every factor is grouped by the
    /// same id array, is dense at this round (2·<paramref name="half"/> entries), has the same number K ≤ <see cref="MaxValues"/>
    /// of values, and K²·parts ≤ half (the pair sums, one set of K² per part, cost less than the pairs).
    /// </summary>
    internal static bool TryGroups(IReadOnlyList<DenseMle> factors, int half, out int[] ids, out Fr[][] values)
    {
        ids = [];
        values = [];
        if (factors.Count == 0 || factors[0].Groups is not { } g0) return false;
        int k = g0.Values.Length;
        if (k == 0 || k > MaxValues || (long)k * k * Parts(half) > half) return false;
        foreach (var f in factors)
            if (f.Groups is not { } g || !ReferenceEquals(g.Ids, g0.Ids) || g.Values.Length != k || f.Length != 2 * half) return false;
        ids = g0.Ids;
        values = factors.Select(f => f.Groups!.Values).ToArray();
        return true;
    }

    /// <summary>
    /// acc[p] += Σ_{j &lt; half} w_j·Σ_t c_t Π_{k ∈ F_t} (lo_k + X_p·(hi_k − lo_k)) (see the class), the factors' values lo_k =
    /// values[k][ids[j] − 1], hi_k = values[k][ids[j + half] − 1].
    /// </summary>
    /// <param name="ids">Per entry (2·half of them) its value's index + 1, shared by every factor.</param>
    /// <param name="values">Per used factor its K distinct values.</param>
    /// <param name="half">The number of pairs.</param>
    /// <param name="factors">Per term: indices into <paramref name="values"/> (none: the constant 1).</param>
    /// <param name="kinds">Per term: 1, −1 or 0 (multiply by the coefficient), as <see cref="SumcheckProver.TermKinds"/>.</param>
    /// <param name="coefficients">Per term its coefficient.</param>
    /// <param name="points">The evaluation points X (each ≤ <paramref name="d"/>).</param>
    /// <param name="d">The largest point.</param>
    /// <param name="weights">w_j (at least half entries), or null for w = 1.</param>
    /// <param name="acc">One accumulator per point, added to.</param>
    /// <exception cref="ArgumentException">Fewer than 2·half ids or half weights, or an id outside 1 … K.</exception>
    internal static void Evaluate(int[] ids, Fr[][] values, int half, int[][] factors, int[] kinds, Fr[] coefficients, int[] points, int d,
        Fr[]? weights, Span<Fr> acc)
    {
        if (ids.Length < 2L * half) throw new ArgumentException($"{ids.Length} group ids for {half} pairs", nameof(ids));
        if (weights is not null && weights.Length < half) throw new ArgumentException($"{weights.Length} weights for {half} pairs", nameof(weights));
        int k = values[0].Length;
        int cells = k * k;
        int parts = Parts(half);
        // W[a·K + b] per part, summed below; the sums tell which value pairs occur (witness-derived: cleared at the end).
        var sums = new Fr[parts][];
        bool badId = false;
        try
        {
            Parallel.For(0, parts, c =>
            {
                var w = sums[c] = new Fr[cells];
                int start = (int)((long)half * c / parts), end = (int)((long)half * (c + 1) / parts);
                var one = Fr.One;
                for (int j = start; j < end; j++)
                {
                    uint a = (uint)(ids[j] - 1), b = (uint)(ids[j + half] - 1);
                    if (a >= (uint)k || b >= (uint)k) { badId = true; return; }
                    ref var cell = ref w[a * k + b];
                    Fr.Add(cell, weights is null ? one : weights[j], out cell);
                }
            });
            // (the count K of distinct values is witness-derived: not in the message)
            if (badId) throw new ArgumentException("a group id outside 1 … K (the number of distinct values)", nameof(ids));
            if (TakenProbe.Value is { } probe) Interlocked.Increment(ref probe.Value);
            var total = sums[0];
            for (int c = 1; c < parts; c++)
                for (int i = 0; i < cells; i++) Fr.Add(total[i], sums[c][i], out total[i]);
            int nu = values.Length, stride = d + 1, np = points.Length;
            var vals = new Fr[Math.Max(1, nu * stride)];
            for (int a = 0; a < k; a++)
                for (int b = 0; b < k; b++)
                {
                    var wab = total[a * k + b];
                    if (wab.IsZero) continue;
                    for (int u = 0; u < nu; u++)
                    {
                        var lo = values[u][a];
                        vals[u * stride] = lo;
                        if (d == 0) continue;
                        Fr.Sub(values[u][b], lo, out var diff);
                        for (int t = 1; t <= d; t++) Fr.Add(vals[u * stride + t - 1], diff, out vals[u * stride + t]);
                    }
                    for (int p = 0; p < np; p++)
                    {
                        var s = SumcheckProver.TermSum(vals, stride, points[p], factors, kinds, coefficients);
                        Fr.Mul(s, wab, out s);
                        Fr.Add(acc[p], s, out acc[p]);
                    }
                }
            Array.Clear(vals);
        }
        finally
        {
            foreach (var w in sums) if (w is not null) Array.Clear(w);
        }
    }
}

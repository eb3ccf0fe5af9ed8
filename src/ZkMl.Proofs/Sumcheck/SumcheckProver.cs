using ZkMl.Algebra;
using ZkMl.Proofs.Polynomials;
using ZkMl.Proofs.Transcripts;

namespace ZkMl.Proofs.Sumcheck;

/// <summary>
/// Sumcheck prover (Lund–Fortnow–Karloff–Nisan; Thaler's linear-time prover for multilinear factors) for
/// claims Σ_{x ∈ {0,1}^n} F(x) = claim with F = Σ_t c_t Π_{k ∈ F_t} P_k, run as a sub-protocol on a
/// <see cref="Transcript"/>. Variables are bound in order 1..n (most significant index bit first).
/// The input MLEs are bound in place (their tables shrink); clone them first if you still need them.
/// Multi-threaded above <c>2^13</c> pairs per round.
/// </summary>
public static class SumcheckProver
{
    /// <summary>
    /// Plain sumcheck of Σ_x Σ_t c_t Π P_k(x) = <paramref name="claim"/>. Round i sends the round polynomial
    /// g_i(X) = Σ_{x'} F(r_1..r_{i−1}, X, x') as its coefficients without c_1: [c_0, c_2, …, c_d].
    /// </summary>
    /// <param name="transcript">Transcript to run on (absorbs the claim, then each round message; draws r_i).</param>
    /// <param name="shape">The product terms.</param>
    /// <param name="mles">The multilinear inputs (all with the same number of variables); bound in place.</param>
    /// <param name="claim">The true sum; a wrong claim yields a proof that does not verify.</param>
    /// <exception cref="SumcheckException">Inconsistent inputs.</exception>
    public static SumcheckProverOutput Prove(Transcript transcript, ProductSum shape, IReadOnlyList<DenseMle> mles, Fr claim)
    {
        int n = CheckInputs(transcript, shape, mles);
        int d = shape.Degree;
        transcript.AppendScalar(SumcheckLabels.Claim, claim);
        var rounds = new Fr[n][];
        var point = new Fr[n];
        var points = PointsSkippingOne(d);
        var evals = new Fr[d + 1];
        for (int i = 0; i < n; i++)
        {
            var at = EvaluateRound(shape, mles, points, d, null);
            for (int p = 0; p < points.Length; p++) evals[points[p]] = at[p];
            evals[1] = claim - evals[0];
            var coeffs = UniPoly.FromEvaluations(evals);
            var msg = new Fr[d];
            msg[0] = coeffs[0];
            for (int k = 2; k <= d; k++) msg[k - 1] = coeffs[k];
            rounds[i] = msg;
            transcript.AppendScalars(SumcheckLabels.Round, msg);
            var r = transcript.ChallengeScalar(SumcheckLabels.Challenge);
            point[i] = r;
            claim = UniPoly.Evaluate(coeffs, r);
            foreach (var m in mles) m.BindFirst(r);
        }
        return new SumcheckProverOutput(new SumcheckProof(rounds), point, mles.Select(m => m[0]).ToArray());
    }

    /// <summary>
    /// Zero-check-form sumcheck of Σ_x eq(τ, x)·G(x) = <paramref name="claim"/> (G = Σ_t c_t Π P_k given by
    /// <paramref name="g"/>) with Gruen's eq-factor trick (Gruen 2024, §3; Dao–Thaler 2024 "split eq"):
    /// the round polynomial factors as s_i(X) = α_i·ℓ_i(X)·q_i(X) with α_i = eq(τ_{&lt;i}, r_{&lt;i}),
    /// ℓ_i(X) = τ_i X + (1 − τ_i)(1 − X) known to the verifier, and q_i(X) = Σ_{x'} eq(τ_{&gt;i}, x')·G(r_{&lt;i}, X, x')
    /// of degree deg G. The prover sends q_i without its constant term: [q_1, …, q_d]. The eq weights over the
    /// remaining variables come from one table of size 2^(n−1) folded by additions each round.
    /// </summary>
    /// <param name="transcript">Transcript to run on.</param>
    /// <param name="g">The product terms of G (without the eq factor).</param>
    /// <param name="mles">Inputs of G; bound in place.</param>
    /// <param name="tau">The eq point τ (length n).</param>
    /// <param name="claim">The true value of Σ eq(τ, x)·G(x) (0 for a zero-check).</param>
    /// <exception cref="SumcheckException">Inconsistent inputs.</exception>
    public static SumcheckProverOutput ProveZeroCheck(Transcript transcript, ProductSum g, IReadOnlyList<DenseMle> mles, ReadOnlySpan<Fr> tau, Fr claim)
    {
        int n = CheckInputs(transcript, g, mles);
        if (tau.Length != n) throw new SumcheckException($"zero-check: τ has {tau.Length} coordinates, the polynomials have {n} variables");
        int d = g.Degree;
        transcript.AppendScalar(SumcheckLabels.Claim, claim);
        var rounds = new Fr[n][];
        var point = new Fr[n];
        var eqRest = n > 0 ? Eq.Table(tau[1..]) : [];
        int eqLength = eqRest.Length;
        var skipOne = PointsSkippingOne(d);
        var allPoints = Enumerable.Range(0, d + 1).ToArray();
        var evals = new Fr[d + 1];
        var normalizedClaim = claim; // claim / α_i
        for (int i = 0; i < n; i++)
        {
            var t = tau[i];
            var points = t.IsZero ? allPoints : skipOne;
            var at = EvaluateRound(g, mles, points, d, eqRest);
            for (int p = 0; p < points.Length; p++) evals[points[p]] = at[p];
            // (1 − τ_i)·q(0) + τ_i·q(1) = claim / α_i
            if (!t.IsZero) evals[1] = (normalizedClaim - (Fr.One - t) * evals[0]) * t.Inverse();
            var coeffs = UniPoly.FromEvaluations(evals);
            var msg = coeffs[1..];
            rounds[i] = msg;
            transcript.AppendScalars(SumcheckLabels.Round, msg);
            var r = transcript.ChallengeScalar(SumcheckLabels.Challenge);
            point[i] = r;
            normalizedClaim = UniPoly.Evaluate(coeffs, r);
            foreach (var m in mles) m.BindFirst(r);
            // eq(τ_{>i+1}, y) = eq(τ_{>i}, 0‖y) + eq(τ_{>i}, 1‖y)
            int h = eqLength >> 1;
            for (int y = 0; y < h; y++) Fr.Add(eqRest[y], eqRest[y + h], out eqRest[y]);
            eqLength = h;
        }
        return new SumcheckProverOutput(new SumcheckProof(rounds), point, mles.Select(m => m[0]).ToArray());
    }

    private static int[] PointsSkippingOne(int d)
    {
        var p = new int[d];
        p[0] = 0;
        for (int k = 2; k <= d; k++) p[k - 1] = k;
        return p;
    }

    private static int CheckInputs(Transcript transcript, ProductSum shape, IReadOnlyList<DenseMle> mles)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(mles);
        if (mles.Count != shape.NumPolynomials) throw new SumcheckException($"sumcheck: shape has {shape.NumPolynomials} polynomials, got {mles.Count}");
        if (mles.Count == 0) throw new SumcheckException("sumcheck: no polynomials");
        int n = mles[0].NumVars;
        for (int k = 1; k < mles.Count; k++)
            if (mles[k].NumVars != n) throw new SumcheckException($"sumcheck: polynomial {k} has {mles[k].NumVars} variables, polynomial 0 has {n}");
        for (int k = 0; k < mles.Count; k++)
            for (int l = 0; l < k; l++)
                if (ReferenceEquals(mles[k], mles[l])) throw new SumcheckException($"sumcheck: polynomials {l} and {k} are the same object (it would be bound twice); repeat the index in a term instead");
        return n;
    }

    /// <summary>
    /// Σ_{j &lt; half} w_j·Σ_t c_t Π_{k ∈ F_t} (lo_k + X·(hi_k − lo_k)) at each X in <paramref name="points"/>,
    /// where lo_k = P_k[j], hi_k = P_k[j + half] and w_j = weights[j] (or 1). The terms are combined before
    /// the weight is applied (one weight multiplication per point), and coefficients ±1 cost no multiplication.
    /// </summary>
    private static Fr[] EvaluateRound(ProductSum shape, IReadOnlyList<DenseMle> mles, int[] points, int d, Fr[]? weights)
    {
        int half = mles[0].Length >> 1;
        int nm = mles.Count;
        var arrays = mles.Select(m => m.Buffer).ToArray();
        var terms = shape.Terms.Select(t => t.Factors).ToArray();
        var coefficients = shape.Terms.Select(t => t.Coefficient).ToArray();
        // 1: coefficient one, −1: minus one, 0: general
        var kinds = coefficients.Select(c => c.IsOne ? 1 : (-c).IsOne ? -1 : 0).ToArray();
        int nt = terms.Length, np = points.Length, stride = d + 1;
        var total = new Fr[np];
        var gate = new object();
        Parallelism.For(half, (start, end) =>
        {
            Span<Fr> vals = stackalloc Fr[nm * stride];
            Span<Fr> acc = stackalloc Fr[np];
            acc.Clear();
            for (int j = start; j < end; j++)
            {
                for (int k = 0; k < nm; k++)
                {
                    var a = arrays[k];
                    var lo = a[j];
                    Fr.Sub(a[j + half], lo, out var diff);
                    var row = vals.Slice(k * stride, stride);
                    row[0] = lo;
                    for (int t = 1; t <= d; t++) Fr.Add(row[t - 1], diff, out row[t]);
                }
                for (int pi = 0; pi < np; pi++)
                {
                    int t = points[pi];
                    var sum = Fr.Zero;
                    for (int ti = 0; ti < nt; ti++)
                    {
                        var f = terms[ti];
                        Fr prod;
                        if (f.Length == 0) prod = Fr.One;
                        else
                        {
                            prod = vals[f[0] * stride + t];
                            for (int q = 1; q < f.Length; q++) Fr.Mul(prod, vals[f[q] * stride + t], out prod);
                        }
                        switch (kinds[ti])
                        {
                            case 1: Fr.Add(sum, prod, out sum); break;
                            case -1: Fr.Sub(sum, prod, out sum); break;
                            default:
                                Fr.Mul(prod, coefficients[ti], out prod);
                                Fr.Add(sum, prod, out sum);
                                break;
                        }
                    }
                    if (weights != null) Fr.Mul(sum, weights[j], out sum);
                    Fr.Add(acc[pi], sum, out acc[pi]);
                }
            }
            lock (gate)
            {
                for (int i = 0; i < np; i++) Fr.Add(total[i], acc[i], out total[i]);
            }
        });
        return total;
    }
}

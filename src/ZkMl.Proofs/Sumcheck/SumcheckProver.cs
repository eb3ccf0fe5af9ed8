using System.Runtime.CompilerServices;
using System.Security.Cryptography;
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
            var r = transcript.AbsorbChallenge(SumcheckLabels.Round, msg);
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
        return ProveZeroCheckCore(transcript, g, mles, tau, claim, tiled: false);
    }

    /// <summary>
    /// <see cref="ProveZeroCheck"/> over n = |τ| variables with inputs of any NumVars ≤ n, each read as tiled on the last of the
    /// n coordinates (entry j of the full table is entry j mod 2^NumVars): the same messages, point, final values and
    /// transcript as <see cref="ProveZeroCheck"/> on <see cref="DenseMle.Tiled"/> copies, without materialising or folding them
    /// (<see cref="TermTiling"/>: a term over fewer than the remaining variables adds a constant, summed once). Inputs of n
    /// variables are bound in place; a shorter one only in the last NumVars rounds.
    /// </summary>
    /// <exception cref="SumcheckException">Inconsistent inputs (an input longer than 2^n).</exception>
    internal static SumcheckProverOutput ProveZeroCheckTiled(Transcript transcript, ProductSum g, IReadOnlyList<DenseMle> mles, ReadOnlySpan<Fr> tau, Fr claim)
    {
        CheckTiledInputs(transcript, g, mles, tau.Length);
        return ProveZeroCheckCore(transcript, g, mles, tau, claim, tiled: true);
    }

    /// <summary>
    /// The rounds of <see cref="ProveZeroCheck"/> (<paramref name="tiled"/> false: every input has |τ| variables, evaluated by
    /// <see cref="EvaluateRound"/>) and of <see cref="ProveZeroCheckTiled"/> (true: <see cref="TermTiling"/> evaluates, and an
    /// input is bound only in the rounds of its own variables). Inputs are checked by the callers.
    /// </summary>
    private static SumcheckProverOutput ProveZeroCheckCore(Transcript transcript, ProductSum g, IReadOnlyList<DenseMle> mles, ReadOnlySpan<Fr> tau, Fr claim, bool tiled)
    {
        int n = tau.Length;
        int d = g.Degree;
        transcript.AppendScalar(SumcheckLabels.Claim, claim);
        var rounds = new Fr[n][];
        var point = new Fr[n];
        var eqRest = n > 0 ? Eq.Table(tau[1..]) : [];
        int eqLength = eqRest.Length;
        var tiling = tiled ? new TermTiling(g, mles, n, tau.ToArray(), n > 0 ? eqRest : null) : null;
        var skipOne = PointsSkippingOne(d);
        var allPoints = Enumerable.Range(0, d + 1).ToArray();
        var evals = new Fr[d + 1];
        var normalizedClaim = claim; // claim / α_i
        for (int i = 0; i < n; i++)
        {
            var t = tau[i];
            var points = t.IsZero ? allPoints : skipOne;
            var at = tiling != null ? tiling.EvaluateRound(n - i, points, d, eqRest) : EvaluateRound(g, mles, points, d, eqRest);
            for (int p = 0; p < points.Length; p++) evals[points[p]] = at[p];
            // (1 − τ_i)·q(0) + τ_i·q(1) = claim / α_i
            if (!t.IsZero) evals[1] = (normalizedClaim - (Fr.One - t) * evals[0]) * t.Inverse();
            var coeffs = UniPoly.FromEvaluations(evals);
            var msg = coeffs[1..];
            rounds[i] = msg;
            var r = transcript.AbsorbChallenge(SumcheckLabels.Round, msg);
            point[i] = r;
            normalizedClaim = UniPoly.Evaluate(coeffs, r);
            foreach (var m in mles)
                if (m.NumVars == n - i) m.BindFirst(r); // a shorter (tiled) input does not depend on this variable
            // eq(τ_{>i+1}, y) = eq(τ_{>i}, 0‖y) + eq(τ_{>i}, 1‖y)
            int h = eqLength >> 1;
            for (int y = 0; y < h; y++) Fr.Add(eqRest[y], eqRest[y + h], out eqRest[y]);
            eqLength = h;
        }
        return new SumcheckProverOutput(new SumcheckProof(rounds), point, mles.Select(m => m[0]).ToArray());
    }

    /// <summary>
    /// The degree profile of a sumcheck of <paramref name="shape"/> over <paramref name="numVars"/> variables whose
    /// factors listed in <paramref name="maskedFactors"/> carry a <see cref="VanishingMask"/>: <c>shape.Degree</c> in
    /// every round but the last, and in the last round the largest Σ_{k ∈ term} (2 if k is masked, else 1)
    /// (at least <c>shape.Degree</c>). The same for the plain and the zero-check (Gruen) form, whose message q_i has
    /// G's degree. Use it to sample the <see cref="LibraMask"/> and, on the verifier's side, as the profile.
    /// </summary>
    /// <exception cref="ArgumentException">No variables, a factor index out of range, or a last-round degree above
    /// <see cref="UniPoly.MaxDegree"/> − 1.</exception>
    public static int[] RoundDegrees(ProductSum shape, int numVars, IReadOnlyCollection<int>? maskedFactors = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (numVars < 1 || numVars > 40) throw new ArgumentException($"masked sumcheck: number of variables {numVars} out of range 1..40", nameof(numVars));
        var masked = new bool[shape.NumPolynomials];
        foreach (var k in maskedFactors ?? [])
        {
            if (k < 0 || k >= shape.NumPolynomials) throw new ArgumentException($"masked factor {k} out of range 0..{shape.NumPolynomials - 1}", nameof(maskedFactors));
            masked[k] = true;
        }
        int last = shape.Degree;
        foreach (var t in shape.Terms) last = Math.Max(last, t.Factors.Sum(k => masked[k] ? 2 : 1));
        if (last >= UniPoly.MaxDegree) throw new ArgumentException($"masked sumcheck: last-round degree {last} exceeds the supported {UniPoly.MaxDegree - 1}", nameof(maskedFactors));
        var degrees = new int[numVars];
        Array.Fill(degrees, shape.Degree);
        degrees[^1] = last;
        return degrees;
    }

    /// <summary>
    /// Zero-knowledge plain sumcheck (Libra, docs/zk-design.md §5.3; docs/protocol.md "ZK mode (in progress)"): samples
    /// g = Σ_k g_k(x_k) with the degree profile <see cref="RoundDegrees"/> from <paramref name="rng"/>, hands it to
    /// <paramref name="commitMask"/> (which commits it — e.g. places <see cref="LibraMask.ToTable"/> in a hiding
    /// commitment — and returns the bytes to absorb before ρ′), then runs
    /// <see cref="ProveMasked(Transcript, ProductSum, IReadOnlyList{DenseMle}, Fr, LibraMask, ReadOnlySpan{byte}, IReadOnlyList{VanishingMask?}?, LibraLabels?)"/>.
    /// </summary>
    /// <returns>The output and the sampled mask (secret: the caller discharges g(r) = v_g on its commitment).</returns>
    public static (MaskedSumcheckProverOutput Output, LibraMask Mask) ProveMasked(Transcript transcript, ProductSum shape, IReadOnlyList<DenseMle> mles, Fr claim,
        RandomNumberGenerator rng, Func<LibraMask, byte[]> commitMask, IReadOnlyList<VanishingMask?>? factorMasks = null, LibraLabels? labels = null)
    {
        ArgumentNullException.ThrowIfNull(commitMask);
        int n = CheckInputs(transcript, shape, mles);
        var mask = LibraMask.Sample(RoundDegrees(shape, n, MaskedIndices(factorMasks, mles.Count)), rng);
        var commitment = commitMask(mask);
        return (ProveMasked(transcript, shape, mles, claim, mask, commitment, factorMasks, labels), mask);
    }

    /// <summary>
    /// Zero-knowledge plain sumcheck of Σ_x F(x) = <paramref name="claim"/> with a given (already committed) Libra mask.
    /// Transcript: absorb <paramref name="maskCommitment"/> (label <c>labels.Commitment</c>, skipped when empty);
    /// absorb <c>sumcheck_claim</c> = claim; absorb σ = Σ_x g(x) (<c>labels.Sum</c>); ρ′ = challenge <c>labels.Rho</c>;
    /// then the plain rounds of F + ρ′·g with running claim claim + ρ′σ, round i sending [c_0, c_2, …, c_{d_i}]
    /// (d_i = the mask's degree of round i). Nothing is absorbed after the last challenge: the caller absorbs the
    /// final values and v_g.
    /// </summary>
    /// <param name="transcript">Transcript to run on.</param>
    /// <param name="shape">F's product terms.</param>
    /// <param name="mles">F's multilinear inputs; bound in place.</param>
    /// <param name="claim">The true Σ_x F(x).</param>
    /// <param name="mask">The Libra mask; its degrees must be at least F's per round (<see cref="RoundDegrees"/>). Fresh for
    /// every proof (uniform from a CSPRNG, committed before ρ′): a mask used twice reveals F's round polynomials, and a
    /// second use of the same instance throws.</param>
    /// <param name="maskCommitment">Bytes the verifier absorbs before ρ′ (a commitment point, or empty when the
    /// caller absorbed the commitment earlier).</param>
    /// <param name="factorMasks">Optional per-factor hypercube-vanishing masks (null entries: unmasked factor).</param>
    /// <param name="labels">The mask labels (default <see cref="LibraLabels.Default"/>).</param>
    /// <exception cref="SumcheckException">Inconsistent inputs, or a mask degree below F's in some round (the
    /// messages would not be hidden).</exception>
    public static MaskedSumcheckProverOutput ProveMasked(Transcript transcript, ProductSum shape, IReadOnlyList<DenseMle> mles, Fr claim,
        LibraMask mask, ReadOnlySpan<byte> maskCommitment, IReadOnlyList<VanishingMask?>? factorMasks = null, LibraLabels? labels = null)
        => ProveMaskedCore(transcript, shape, mles, null, claim, mask, maskCommitment, factorMasks, labels, null);

    /// <summary>
    /// Zero-knowledge zero-check-form sumcheck of Σ_x eq(τ, x)·G(x) = <paramref name="claim"/> (Gruen form, the mask
    /// under the eq factor: Σ_x eq(τ, x)·(G + ρ′g)(x) = claim + ρ′σ with σ = Σ_k ((1 − τ_k)g_k(0) + τ_k g_k(1))).
    /// Transcript as <see cref="ProveMasked(Transcript, ProductSum, IReadOnlyList{DenseMle}, Fr, LibraMask, ReadOnlySpan{byte}, IReadOnlyList{VanishingMask?}?, LibraLabels?)"/>
    /// with that σ; round i sends [q_1, …, q_{d_i}] (q_0 omitted) of q_i(X) = Σ_{x'} eq(τ_{&gt;i}, x')·(G + ρ′g)(r_{&lt;i}, X, x').
    /// </summary>
    /// <exception cref="SumcheckException">Inconsistent inputs or a mask degree below G's.</exception>
    public static MaskedSumcheckProverOutput ProveZeroCheckMasked(Transcript transcript, ProductSum g, IReadOnlyList<DenseMle> mles, ReadOnlySpan<Fr> tau, Fr claim,
        LibraMask mask, ReadOnlySpan<byte> maskCommitment, IReadOnlyList<VanishingMask?>? factorMasks = null, LibraLabels? labels = null)
        => ProveMaskedCore(transcript, g, mles, tau.ToArray(), claim, mask, maskCommitment, factorMasks, labels, null);

    /// <summary>
    /// <see cref="ProveZeroCheckMasked(Transcript, ProductSum, IReadOnlyList{DenseMle}, ReadOnlySpan{Fr}, Fr, LibraMask, ReadOnlySpan{byte}, IReadOnlyList{VanishingMask?}?, LibraLabels?)"/>
    /// with a mask sampled from <paramref name="rng"/> and committed by <paramref name="commitMask"/> (see the plain overload).
    /// </summary>
    public static (MaskedSumcheckProverOutput Output, LibraMask Mask) ProveZeroCheckMasked(Transcript transcript, ProductSum g, IReadOnlyList<DenseMle> mles, ReadOnlySpan<Fr> tau, Fr claim,
        RandomNumberGenerator rng, Func<LibraMask, byte[]> commitMask, IReadOnlyList<VanishingMask?>? factorMasks = null, LibraLabels? labels = null)
    {
        ArgumentNullException.ThrowIfNull(commitMask);
        int n = CheckInputs(transcript, g, mles);
        var mask = LibraMask.Sample(RoundDegrees(g, n, MaskedIndices(factorMasks, mles.Count)), rng);
        var commitment = commitMask(mask);
        return (ProveZeroCheckMasked(transcript, g, mles, tau, claim, mask, commitment, factorMasks, labels), mask);
    }

    /// <summary>
    /// <see cref="ProveZeroCheckMasked(Transcript, ProductSum, IReadOnlyList{DenseMle}, ReadOnlySpan{Fr}, Fr, LibraMask, ReadOnlySpan{byte}, IReadOnlyList{VanishingMask?}?, LibraLabels?)"/>
    /// over n = |τ| variables with inputs of any NumVars ≤ n, each read as tiled on the last of the n coordinates (entry j of
    /// the full table is entry j mod 2^NumVars): the same proof as with <see cref="DenseMle.Tiled"/> copies, without
    /// materialising or folding them. A term whose factors all have fewer than the remaining variables adds a constant to the
    /// round polynomial (its eq-weighted sum over its own hypercube, computed once); only the other terms are evaluated.
    /// </summary>
    /// <exception cref="SumcheckException">Inconsistent inputs (an input longer than 2^n) or a mask degree below G's.</exception>
    internal static MaskedSumcheckProverOutput ProveZeroCheckMaskedTiled(Transcript transcript, ProductSum g, IReadOnlyList<DenseMle> mles, ReadOnlySpan<Fr> tau, Fr claim,
        LibraMask mask, ReadOnlySpan<byte> maskCommitment, IReadOnlyList<VanishingMask?>? factorMasks = null, LibraLabels? labels = null,
        IReadOnlyList<LinearOracleTerm>? oracleTerms = null)
        => ProveMaskedCore(transcript, g, mles, tau.ToArray(), claim, mask, maskCommitment, factorMasks, labels, null, tiledVars: tau.Length, oracleTerms);

    private static int[] MaskedIndices(IReadOnlyList<VanishingMask?>? factorMasks, int count)
    {
        if (factorMasks == null) return [];
        if (factorMasks.Count != count) throw new SumcheckException($"masked sumcheck: {factorMasks.Count} factor masks for {count} polynomials");
        return Enumerable.Range(0, count).Where(k => factorMasks[k] != null).ToArray();
    }

    /// <summary>The masked prover; <paramref name="announcedSum"/> (tests only: a cheating prover) replaces the
    /// absorbed σ while the rounds still use <paramref name="mask"/>. <paramref name="tiledVars"/> ≥ 0: the number of
    /// variables n, the inputs may be shorter (tiled on the last coordinates, <see cref="ProveZeroCheckMaskedTiled"/>);
    /// −1: all inputs have n variables.</summary>
    internal static MaskedSumcheckProverOutput ProveMaskedCore(Transcript transcript, ProductSum shape, IReadOnlyList<DenseMle> mles, Fr[]? tau, Fr claim,
        LibraMask mask, ReadOnlySpan<byte> maskCommitment, IReadOnlyList<VanishingMask?>? factorMasks, LibraLabels? labels, Fr? announcedSum, int tiledVars = -1,
        IReadOnlyList<LinearOracleTerm>? oracleTerms = null)
    {
        int n = tiledVars < 0 ? CheckInputs(transcript, shape, mles) : CheckTiledInputs(transcript, shape, mles, tiledVars);
        ArgumentNullException.ThrowIfNull(mask);
        labels ??= LibraLabels.Default;
        if (n == 0) throw new SumcheckException("masked sumcheck: needs at least one variable");
        if (tau != null && tau.Length != n) throw new SumcheckException($"zero-check: τ has {tau.Length} coordinates, the polynomials have {n} variables");
        oracleTerms ??= [];
        if (oracleTerms.Count > 0 && tau == null) throw new SumcheckException("masked sumcheck: oracle terms need the zero-check form");
        foreach (var o in oracleTerms)
            if (o.NumVars < 0 || o.NumVars > n) throw new SumcheckException($"masked sumcheck: an oracle term has {o.NumVars} variables, the sum {n}");
        if (mask.NumVars != n) throw new SumcheckException($"masked sumcheck: the mask has {mask.NumVars} rounds, the polynomials have {n} variables");
        var masked = MaskedIndices(factorMasks, mles.Count);
        var needed = RoundDegrees(shape, n, masked);
        var degrees = mask.Degrees;
        for (int i = 0; i < n; i++)
            if (degrees[i] < needed[i]) throw new SumcheckException($"masked sumcheck: the mask's round {i} has degree {degrees[i]}, the polynomial needs {needed[i]}");
        mask.MarkUsed();

        if (!maskCommitment.IsEmpty) transcript.AppendBytes(labels.Commitment, maskCommitment);
        transcript.AppendScalar(SumcheckLabels.Claim, claim);
        var sigma = announcedSum ?? (tau == null ? mask.Sum() : mask.SumUnderEq(tau));
        transcript.AppendScalar(labels.Sum, sigma);
        var rho = transcript.ChallengeScalar(labels.Rho);
        var running = claim + rho * sigma; // plain: the round sum; zero-check: the claim divided by eq(τ_{<i}, r_{<i})

        // Mask bookkeeping: prefix = Σ_{k<i} g_k(r_k); rest_k = the sum of g_k over its own domain
        // (plain: g_k(0) + g_k(1); zero-check: (1 − τ_k)g_k(0) + τ_k g_k(1)); suffix = Σ_{k>i} rest_k.
        var rest = new Fr[n];
        for (int k = 0; k < n; k++)
        {
            var row = mask.Coefficients[k];
            var at0 = row[0];
            var at1 = Fr.Zero;
            foreach (var c in row) at1 += c;
            rest[k] = tau == null ? at0 + at1 : at0 + tau[k] * (at1 - at0);
        }
        var suffix = Fr.Zero;
        for (int k = 0; k < n; k++) suffix += rest[k];
        var prefix = Fr.Zero;

        var rounds = new Fr[n][];
        var point = new Fr[n];
        Fr[]? eqRest = tau != null ? Eq.Table(tau.AsSpan(1)) : null;
        int eqLength = eqRest?.Length ?? 0;
        var tiling = tiledVars < 0 ? null : new TermTiling(shape, mles, n, tau, eqRest);
        for (int i = 0; i < n; i++)
        {
            int d = degrees[i];
            suffix -= rest[i];
            bool lastWithMasks = i == n - 1 && masked.Length > 0;
            bool allPoints = tau != null && tau[i].IsZero;
            var points = allPoints ? Enumerable.Range(0, d + 1).ToArray() : PointsSkippingOne(d);
            var at = lastWithMasks
                ? EvaluateLastRound(shape, mles, points, factorMasks!, point.AsSpan(0, i).ToArray(), eqRest?[0] ?? Fr.One)
                : tiling != null
                    ? tiling.EvaluateRound(n - i, points, d, eqRest)
                    : EvaluateRound(shape, mles, points, d, eqRest);
            if (oracleTerms.Count > 0) AddOracleTerms(oracleTerms, at, points, tau!, point, i);
            var evals = new Fr[d + 1];
            // The mask's part of the round polynomial at X = t:
            // plain: 2^{n−1−i}·(prefix + g_i(t)) + 2^{n−2−i}·suffix; zero-check: prefix + g_i(t) + suffix.
            var scale = tau == null ? FieldPowers.TwoTo(n - 1 - i) : Fr.One;
            var constant = tau == null
                ? scale * prefix + (i < n - 1 ? FieldPowers.TwoTo(n - 2 - i) * suffix : Fr.Zero)
                : prefix + suffix;
            var gi = mask.Coefficients[i];
            for (int p = 0; p < points.Length; p++)
            {
                var t = Fr.FromInt64(points[p]);
                evals[points[p]] = at[p] + rho * (scale * UniPoly.Evaluate(gi, t) + constant);
            }
            if (!allPoints)
                evals[1] = tau == null
                    ? running - evals[0]
                    : (running - (Fr.One - tau[i]) * evals[0]) * tau[i].Inverse();
            var coeffs = UniPoly.FromEvaluations(evals);
            var msg = new Fr[d];
            if (tau == null)
            {
                msg[0] = coeffs[0];
                for (int k = 2; k <= d; k++) msg[k - 1] = coeffs[k];
            }
            else
                for (int k = 1; k <= d; k++) msg[k - 1] = coeffs[k];
            rounds[i] = msg;
            transcript.AppendScalars(SumcheckLabels.Round, msg);
            var r = transcript.ChallengeScalar(SumcheckLabels.Challenge);
            point[i] = r;
            running = UniPoly.Evaluate(coeffs, r);
            prefix += UniPoly.Evaluate(gi, r);
            foreach (var m in mles)
                if (m.NumVars == n - i) m.BindFirst(r); // a shorter (tiled) input does not depend on this variable
            if (eqRest != null)
            {
                int h = eqLength >> 1;
                for (int y = 0; y < h; y++) Fr.Add(eqRest[y], eqRest[y + h], out eqRest[y]);
                eqLength = h;
            }
        }
        var finals = mles.Select(m => m[0]).ToArray();
        if (factorMasks != null)
            for (int k = 0; k < finals.Length; k++)
                if (factorMasks[k] is { } fm) finals[k] = fm.Apply(finals[k], point);
        return new MaskedSumcheckProverOutput(new SumcheckProof(rounds), point, finals, degrees, sigma, prefix);
    }

    /// <summary>
    /// Adds the oracle terms' part of round i's q_i at <paramref name="points"/>: a term c·P over the last k of the n coordinates
    /// contributes Σ_{x'} eq(τ_{&gt;i}, x')·c·P(r_{&lt;i}, X, x') = c·P̃(r_{n−k..i−1}, X, τ_{&gt;i}) while it reads variable i (k ≥ n − i),
    /// and the constant c·P̃(τ's last k) before (eq's factors over the coordinates P does not read sum to 1).
    /// </summary>
    private static void AddOracleTerms(IReadOnlyList<LinearOracleTerm> terms, Fr[] at, int[] points, Fr[] tau, Fr[] point, int i)
    {
        int n = tau.Length;
        foreach (var o in terms)
        {
            int k = o.NumVars;
            if (k < n - i)
            {
                var c = o.Coefficient * o.Mle(tau[(n - k)..]);
                for (int p = 0; p < at.Length; p++) at[p] += c;
                continue;
            }
            var z = new Fr[k];
            int bound = i - (n - k);
            point.AsSpan(n - k, bound).CopyTo(z);
            tau.AsSpan(i + 1).CopyTo(z.AsSpan(bound + 1));
            for (int p = 0; p < points.Length; p++)
            {
                z[bound] = Fr.FromInt64(points[p]);
                at[p] += o.Coefficient * o.Mle(z);
            }
        }
    }

    /// <summary>
    /// The last round with vanishing masks: every table has 2 entries (lo, hi); factor k at X = t is
    /// lo + t(hi − lo) + t(1 − t)·μ_k(r_{&lt;n}); the terms are combined at each point and scaled by the eq weight.
    /// </summary>
    private static Fr[] EvaluateLastRound(ProductSum shape, IReadOnlyList<DenseMle> mles, int[] points, IReadOnlyList<VanishingMask?> factorMasks, Fr[] earlier, Fr weight)
    {
        int nm = mles.Count;
        var kappa = new Fr[nm];
        for (int k = 0; k < nm; k++) kappa[k] = factorMasks[k]?.CoefficientAt(earlier) ?? Fr.Zero;
        var vals = new Fr[nm];
        var result = new Fr[points.Length];
        for (int p = 0; p < points.Length; p++)
        {
            var t = Fr.FromInt64(points[p]);
            var vanish = t * (Fr.One - t);
            for (int k = 0; k < nm; k++)
            {
                var lo = mles[k][0];
                var hi = mles[k].Length > 1 ? mles[k][1] : lo; // an input of no variables (tiled) is constant in the last one
                vals[k] = lo + t * (hi - lo) + vanish * kappa[k];
            }
            result[p] = weight * shape.Combine(vals);
        }
        return result;
    }

    private static int[] PointsSkippingOne(int d)
    {
        var p = new int[d];
        p[0] = 0;
        for (int k = 2; k <= d; k++) p[k - 1] = k;
        return p;
    }

    /// <summary>As <see cref="CheckInputs"/> for inputs tiled to <paramref name="n"/> variables: each has at most n.</summary>
    private static int CheckTiledInputs(Transcript transcript, ProductSum shape, IReadOnlyList<DenseMle> mles, int n)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(mles);
        if (mles.Count != shape.NumPolynomials) throw new SumcheckException($"sumcheck: shape has {shape.NumPolynomials} polynomials, got {mles.Count}");
        if (mles.Count == 0) throw new SumcheckException("sumcheck: no polynomials");
        if (n < 0 || n > 30) throw new SumcheckException($"sumcheck: {n} variables out of range 0 … 30");
        for (int k = 0; k < mles.Count; k++)
            if (mles[k].NumVars > n) throw new SumcheckException($"sumcheck: polynomial {k} has {mles[k].NumVars} variables, more than the {n} it is tiled to");
        for (int k = 0; k < mles.Count; k++)
            for (int l = 0; l < k; l++)
                if (ReferenceEquals(mles[k], mles[l])) throw new SumcheckException($"sumcheck: polynomials {l} and {k} are the same object (it would be bound twice); repeat the index in a term instead");
        return n;
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

    /// <summary>Per term: 1 for the coefficient one, −1 for minus one, 0 for any other (<see cref="TermSum"/> multiplies only those).</summary>
    internal static int[] TermKinds(Fr[] coefficients) => coefficients.Select(c => c.IsOne ? 1 : (-c).IsOne ? -1 : 0).ToArray();

    /// <summary>
    /// Σ_t c_t·Π_{k ∈ F_t} vals[k·stride + x]: the terms of a round kernel at one evaluation point x, from the rows of the
    /// factors' values at the points (row k holds factor k's values at 0 … stride − 1); coefficients ±1 cost no multiplication.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Fr TermSum(ReadOnlySpan<Fr> vals, int stride, int x, int[][] factors, int[] kinds, Fr[] coefficients)
    {
        var sum = Fr.Zero;
        for (int ti = 0; ti < factors.Length; ti++)
        {
            var f = factors[ti];
            Fr prod;
            if (f.Length == 0) prod = Fr.One;
            else
            {
                prod = vals[f[0] * stride + x];
                for (int q = 1; q < f.Length; q++) Fr.Mul(prod, vals[f[q] * stride + x], out prod);
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
        return sum;
    }

    /// <summary>
    /// Σ_{j &lt; half} w_j·Σ_t c_t Π_{k ∈ F_t} (lo_k + X·(hi_k − lo_k)) at each X in <paramref name="points"/>,
    /// where lo_k = P_k[j], hi_k = P_k[j + half] and w_j = weights[j] (or 1). The terms are combined before
    /// the weight is applied (one weight multiplication per point), and coefficients ±1 cost no multiplication.
    /// </summary>
    private static Fr[] EvaluateRound(ProductSum shape, IReadOnlyList<DenseMle> mles, int[] points, int d, Fr[]? weights)
    {
        int half = mles[0].Length >> 1;
        var arrays = mles.Select(m => m.Buffer).ToArray();
        var masks = mles.Select(m => m.Length - 1).ToArray();
        var terms = shape.Terms.Select(t => t.Factors).ToArray();
        var coefficients = shape.Terms.Select(t => t.Coefficient).ToArray();
        var kinds = TermKinds(coefficients);
        var total = new Fr[points.Length];
        RoundKernel.AccumulateAll(half, arrays, masks, terms, kinds, coefficients, points, d, weights, total);
        return total;
    }
}

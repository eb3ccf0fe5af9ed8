using System.Security.Cryptography;
using ZkMl.Algebra;
using ZkMl.Proofs.Commitments;
using ZkMl.Proofs.Polynomials;
using ZkMl.Proofs.Sumcheck;
using ZkMl.Proofs.Transcripts;

namespace ZkMl.Proofs.Openings;

/// <summary>
/// The zero-knowledge batched opening (docs/protocol.md "Batched openings" → "ZK mode (in progress)"; design
/// docs/zk-design.md §5.6–5.7): combined and weighted claims on vectors identified by role, reduced by ONE sumcheck of
/// Σ_i ρ^i·Σ_(t∈i) κ_t·w_t·P_(g(t)) + ρ′·(D1 + eq(0, ·)·D2) over N = max n_g variables, then ONE hiding HyperKZG opening
/// of the joint vector J = Σ_g K_g·P̂_g + ρ′·D1 + ρ′·eq(0, c)·D2 normalised by K_0. No per-vector evaluations, no γ, no
/// prover value after the last sumcheck challenge except the HyperKZG messages and the checked inverse hint.
/// </summary>
/// <remarks>
/// Soundness: every term of the joint commitment (the vectors' commitments, C_D1, C_D2) is fixed before the opening's
/// first challenge; the final sumcheck value is ONE linear form in the vectors' evaluations at one point with
/// coefficients the verifier computes, and the joint commitment is the same linear form of binding commitments
/// (A2), opened by HyperKZG. Zero knowledge: see docs/protocol.md (what each mask hides).
/// </remarks>
public static class ZkBatchOpening
{
    /// <summary>
    /// Proves the <paramref name="claims"/> on <paramref name="vectors"/> (witnesses[g] = vector g's entries and
    /// blinding) with the fresh <paramref name="mask"/> (its commitments must be bound in the transcript before the
    /// opening, or <paramref name="bindStatement"/> absorbs them with the vectors and claims). Randomness of the fold
    /// blindings: the OS CSPRNG.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes do not match (named in the message), or the mask is not for N variables.</exception>
    /// <exception cref="InvalidOperationException">The mask was already used.</exception>
    public static ZkBatchOpeningProof Prove(Srs srs, Transcript transcript, IReadOnlyList<ZkOpeningVector> vectors,
        IReadOnlyList<ZkOpeningWitness> witnesses, IReadOnlyList<ZkOpeningClaim> claims, ZkOpeningMask mask, bool bindStatement)
        => Prove(srs, transcript, vectors, witnesses, claims, mask, bindStatement, null);

    /// <summary>As the public overload with the fold blindings drawn from <paramref name="rng"/> (tests; null = OS CSPRNG).</summary>
    internal static ZkBatchOpeningProof Prove(Srs srs, Transcript transcript, IReadOnlyList<ZkOpeningVector> vectors,
        IReadOnlyList<ZkOpeningWitness> witnesses, IReadOnlyList<ZkOpeningClaim> claims, ZkOpeningMask mask, bool bindStatement,
        RandomNumberGenerator? rng)
        => Prove(srs, transcript, vectors, witnesses, claims, mask, bindStatement, rng, denseMaskFolds: false);

    /// <summary>
    /// The prover. The HyperKZG fold commitments take the mask's affine and top-block part through the per-level mask points
    /// (<see cref="ZkOpeningMask.PointsFor"/>, an MSM of N − 3i + 1 + K points at level i) and commit only the rest densely;
    /// with <paramref name="denseMaskFolds"/> (the reference twin, tests only) they commit the whole joint vector's folds
    /// densely. Both give the same proof bytes for the same randomness (<c>ZkMaskFoldTests</c>).
    /// </summary>
    internal static ZkBatchOpeningProof Prove(Srs srs, Transcript transcript, IReadOnlyList<ZkOpeningVector> vectors,
        IReadOnlyList<ZkOpeningWitness> witnesses, IReadOnlyList<ZkOpeningClaim> claims, ZkOpeningMask mask, bool bindStatement,
        RandomNumberGenerator? rng, bool denseMaskFolds)
        => Prove(srs, transcript, vectors, witnesses, claims, mask, bindStatement, rng, denseMaskFolds, denseConfinedMask: false);

    /// <summary>
    /// As above; with <paramref name="denseConfinedMask"/> (the reference twin, tests only) a confined mask's sumcheck part is
    /// folded as dense tables of D1 and D2 over L* instead of in closed form (<see cref="Reduce(Transcript, IReadOnlyList{ZkOpeningVector}, IReadOnlyList{ZkOpeningWitness}, IReadOnlyList{ZkOpeningClaim}, ZkOpeningMask, bool, bool)"/>).
    /// </summary>
    internal static ZkBatchOpeningProof Prove(Srs srs, Transcript transcript, IReadOnlyList<ZkOpeningVector> vectors,
        IReadOnlyList<ZkOpeningWitness> witnesses, IReadOnlyList<ZkOpeningClaim> claims, ZkOpeningMask mask, bool bindStatement,
        RandomNumberGenerator? rng, bool denseMaskFolds, bool denseConfinedMask)
    {
        ArgumentNullException.ThrowIfNull(srs);
        using var secretScalars = Msm.SecretScalars();
        var red = Reduce(transcript, vectors, witnesses, claims, mask, bindStatement, denseConfinedMask);
        return Open(srs, transcript, red, rng, denseMaskFolds);
    }

    /// <summary>
    /// The opening phase of the prover: the hiding HyperKZG opening of the reduction's joint claim on the same transcript,
    /// then the reduction's secret tables cleared. <see cref="Prove(Srs, Transcript, IReadOnlyList{ZkOpeningVector}, IReadOnlyList{ZkOpeningWitness}, IReadOnlyList{ZkOpeningClaim}, ZkOpeningMask, bool, RandomNumberGenerator?, bool)"/>
    /// is <see cref="Reduce(Transcript, IReadOnlyList{ZkOpeningVector}, IReadOnlyList{ZkOpeningWitness}, IReadOnlyList{ZkOpeningClaim}, ZkOpeningMask, bool, bool)"/> then this; the inference prover calls the two itself to time them as separate stages. Call it
    /// inside <see cref="Msm.SecretScalars"/>.
    /// </summary>
    internal static ZkBatchOpeningProof Open(Srs srs, Transcript transcript, ZkReduction red, RandomNumberGenerator? rng, bool denseMaskFolds = false)
    {
        ArgumentNullException.ThrowIfNull(srs);
        ArgumentNullException.ThrowIfNull(red);
        // The reduction's tables (E_g and the bound vectors: ≈ 190 MiB at MNIST B = 1024, the secret ones cleared) are
        // garbage now: a collection here lets HyperKZG's levels and quotients reuse that space instead of growing the heap to
        // their sum (the peak working set of a ZK proof, issue 19's ≤ 1 GiB at B = 1024; a few ms against seconds of MSMs).
        // Only for large reductions (≥ 2^18 entries): a blocking full collection pauses every thread of a process that proves
        // several things at once (zkml serve), which pays off only where the freed tables are hundreds of MiB.
        if (red.Joint.Length >= 1 << 18) GC.Collect();
        try
        {
            var opening = HyperKzg.ProveHiding(srs, transcript, red.Commitment, red.Blinding, red.Joint, red.Point, red.Value, red.Fixed,
                denseMaskFolds ? null : red.MaskPart, rng);
            return new ZkBatchOpeningProof(red.MaskSum, red.Rounds, red.InverseHint, opening);
        }
        finally
        {
            Array.Clear(red.Joint);
            red.MaskPart?.Clear();
            if (red.Fixed != null) Array.Clear(red.Fixed.Vector);
        }
    }

    /// <summary>
    /// The reduction phase of the prover (everything before the hiding HyperKZG opening): σ_o, the rounds, the hint, and
    /// the normalised joint claim (C′, blinding, J′, r, e′) that HyperKZG must open on the same transcript. Tests use it
    /// to run cheating openings after the last challenge.
    /// </summary>
    internal static ZkReduction Reduce(Transcript transcript, IReadOnlyList<ZkOpeningVector> vectors,
        IReadOnlyList<ZkOpeningWitness> witnesses, IReadOnlyList<ZkOpeningClaim> claims, ZkOpeningMask mask, bool bindStatement)
        => Reduce(transcript, vectors, witnesses, claims, mask, bindStatement, denseConfinedMask: false);

    /// <summary>
    /// As above. A confined mask's part of the rounds comes in closed form (<see cref="ConfinedMaskRounds"/>: O(N·(N + K)) per round,
    /// no table over L*); with <paramref name="denseConfinedMask"/> (the reference twin, tests only: <c>ZkMaskConfinedRoundsTests</c>)
    /// from dense tables of D1 and D2 over L*, bound every round like a vector. Both give the same rounds and reduction.
    /// </summary>
    internal static ZkReduction Reduce(Transcript transcript, IReadOnlyList<ZkOpeningVector> vectors,
        IReadOnlyList<ZkOpeningWitness> witnesses, IReadOnlyList<ZkOpeningClaim> claims, ZkOpeningMask mask, bool bindStatement,
        bool denseConfinedMask)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentNullException.ThrowIfNull(witnesses);
        ArgumentNullException.ThrowIfNull(mask);
        if (CheckStatement(vectors, claims, out int nMax) is { } bad) throw new ArgumentException(bad, nameof(claims));
        if (witnesses.Count != vectors.Count) throw new ArgumentException($"{witnesses.Count} witnesses for {vectors.Count} vectors", nameof(witnesses));
        for (int g = 0; g < vectors.Count; g++)
            if (witnesses[g] is not { } wg || wg.Length != 1 << vectors[g].NumVars)
                throw new ArgumentException($"vector {g} ({vectors[g].Role}): witness has {witnesses[g]?.Length ?? 0} entries; expected 2^{vectors[g].NumVars}", nameof(witnesses));
        if (mask.NumVars != nMax) throw new ArgumentException($"the mask is for {mask.NumVars} variables; the batched sumcheck has {nMax}", nameof(mask));
        mask.MarkUsed();
        int groups = vectors.Count, m = claims.Count;
        if (bindStatement) AbsorbStatement(transcript, vectors, claims, mask.CommitmentD1, mask.CommitmentD2);
        var sigma = mask.Sum();
        var (rhoPrime, rhoPow) = Challenges(transcript, sigma, m);

        // E_g = Σ_(t on g) ρ^(i(t))·κ_t·w_t over the vector's own variables (zero-padded like P_g).
        var eTab = new Fr[groups][];
        var nv = new int[groups];
        for (int g = 0; g < groups; g++)
        {
            nv[g] = vectors[g].NumVars;
            eTab[g] = new Fr[1 << nv[g]];
        }
        // Live prefixes: P_g's entries from EvenPrefix(P_g) on are zero (its zero tail, e.g. W1 and W2 at MNIST B = 1024 use
        // little more than half of their 2^20 entries). Their pairs add nothing to a round (both round terms have a factor of
        // P_g: e0·p0 and Δe·Δp) and bind to zeros, so the rounds and P_g's binding skip them. Round k reads E_g only below
        // pLive[g][k], and entry j of a bound table comes from entries 2j, 2j + 1, so E_g is kept and bound on the prefix
        // eLive[g][k] = max(pLive[g][k], 2·eLive[g][k + 1]) (at most the table) and its entries past it are never read. P_g is
        // read from the witness (never copied or written); its bound tables are cleared at the end (secret).
        var e = new LiveTable[groups];
        var p = new LiveTable[groups];
        var pLive = new int[groups][];
        var eLive = new int[groups][];
        for (int g = 0; g < groups; g++)
        {
            int n = nv[g];
            pLive[g] = new int[n + 1];
            eLive[g] = new int[n + 1];
            pLive[g][0] = EvenPrefix(witnesses[g].Entries);
            for (int k = 0; k < n; k++) pLive[g][k + 1] = NextLive(pLive[g][k], n - k - 1);
            // A vector over all N variables never reads its E table after its last round; a shorter one reads entry 0 in the
            // rounds past its own (e·p of its single remaining entry).
            eLive[g][n] = n == nMax ? 0 : 1;
            for (int k = n - 1; k >= 0; k--) eLive[g][k] = Math.Min(1 << (n - k), Math.Max(pLive[g][k], 2 * eLive[g][k + 1]));
            e[g] = new LiveTable(eTab[g], eLive[g][0], owned: true);
            p[g] = new LiveTable(witnesses[g].Values, pLive[g][0], owned: false, witnesses[g].Offset);
        }

        // E_g's entries past its live prefix eLive[g][0] are never read (see above): the weights write only the prefix (X and W3
        // at MNIST B = 1024: 802,816 of 2^20 entries; X's weights on its blocks past its last non-zero entry not at all).
        var claim = Fr.Zero;
        for (int i = 0; i < m; i++)
        {
            foreach (var term in claims[i].Terms) term.Weight.AddTo(eTab[term.Vector], 0, rhoPow[i] * term.Coefficient, eLive[term.Vector][0]);
            claim += rhoPow[i] * claims[i].Value;
        }
        claim += rhoPrime * sigma;
        transcript.AppendScalar(SumcheckLabels.Claim, claim);

        // The mask in closed form: prefix = a + Σ_(b<k) δ_b·c_b, tail = Σ_(b>k) δ1_b, e_k = Π_(b<k)(1 − c_b); R bound sparsely.
        var a1 = mask.A1; var a2 = mask.A2;
        var prefix1 = a1[0]; var prefix2 = a2[0]; var ek = Fr.One;
        var tail1 = Fr.Zero;
        for (int b = 1; b < nMax; b++) tail1 += a1[b + 1];
        var half = Fr.FromInt64(2).Inverse();
        // T (D2's top-block part) is seen on the path x_(>k) = 0: its constant T[0] until the top bits, then bound like a table.
        var top = (Fr[])mask.Top.Clone();
        int topStart = nMax - System.Numerics.BitOperations.Log2((uint)top.Length);
        var rPos = mask.R.Positions.Select(x => (long)x).ToList();
        var rVal = mask.R.Values.ToList();
        // A confined mask (docs/protocol.md "ZK mode: the column-major private input", (4)) is not affine on the whole cube:
        // its rounds come from the closed form over the dyadic blocks of [0, L*) (ConfinedMaskRounds), its R* bound sparsely
        // like R. The reference twin (denseConfinedMask) takes them from the tables of D1 and D2, zero from L* on: only their
        // first L* (rounded up to even) entries are stored and bound, like a vector's live prefix.
        LiveTable? dt1 = null, dt2 = null;
        var confinedRounds = mask.Confined && !denseConfinedMask ? new ConfinedMaskRounds(mask) : null;
        if (mask.Confined && denseConfinedMask)
        {
            int dLive = (int)Math.Min(1L << nMax, mask.Used + (mask.Used & 1));
            var d1 = GC.AllocateUninitializedArray<Fr>(dLive);
            var d2 = GC.AllocateUninitializedArray<Fr>(dLive);
            mask.FillD1(d1, dLive);
            mask.FillD2(d2, dLive);
            dt1 = new LiveTable(d1, dLive, owned: true);
            dt2 = new LiveTable(d2, dLive, owned: true);
        }

        // One scratch buffer for every table's in-place binding: the longest first-round output (the secret ones are cleared).
        int scratchLength = dt1 is null ? 1 : dt1.Live / 2 + 1;
        for (int g = 0; g < groups; g++) if (nv[g] > 0) scratchLength = Math.Max(scratchLength, Math.Max(eLive[g][1], pLive[g][1]));
        var scratch = GC.AllocateUninitializedArray<Fr>(scratchLength);
        var rounds = new Fr[nMax][];
        var ch = new Fr[nMax];
        try
        {
            for (int k = 0; k < nMax; k++)
            {
                var c0 = Fr.Zero; var c2 = Fr.Zero;
                for (int g = 0; g < groups; g++)
                {
                    if (k < nv[g]) { BatchOpening.RoundTerms(e[g].Table, p[g].Table, p[g].Live / 2, out var x0, out var x2, p[g].Start); c0 += x0; c2 += x2; }
                    else { var v = e[g].Table[0] * p[g].Table[p[g].Start]; c0 += v; c2 += v; }
                }
                Fr mc0, mc2;
                var even = Fr.Zero; // Σ of R's (R*'s) entries at even positions (the dense twin has them in its D1 table)
                if (dt1 is null) for (int j = 0; j < rPos.Count; j++) if ((rPos[j] & 1) == 0) even += rVal[j];
                if (dt1 is not null)
                {
                    // Σ_x ρ′·D1 has a constant weight (no X² term); eq(0, ·)·D2 lives on pair 0, weight e_k.
                    var t2 = dt2!.Table;
                    mc0 = ek * t2[0] + EvenSum(dt1.Table, dt1.Live / 2);
                    mc2 = -(ek * (t2[1] - t2[0]));
                }
                else if (confinedRounds is not null)
                {
                    // As the dense twin: Σ_(x_k = 0) eq(c, x_(<k))·D1(x) = sel·A1's (closed form) + R*'s, and D2 at (c, 0/1, 0, …).
                    confinedRounds.Round(ch.AsSpan(0, k), out var evenA1, out var d2Zero, out var d2One);
                    mc0 = ek * d2Zero + evenA1 + even;
                    mc2 = -(ek * (d2One - d2Zero));
                }
                else
                {
                    var count = FieldPowers.TwoTo(nMax - k - 1);
                    var tSlope = k >= topStart ? top[1] - top[0] : Fr.Zero;
                    mc0 = count * (prefix1 + half * tail1) + even + ek * (prefix2 + top[0]);
                    mc2 = -(ek * (a2[k + 1] + tSlope));
                }
                c0 += rhoPrime * mc0;
                c2 += rhoPrime * mc2;
                rounds[k] = [c0, c2];
                var c = transcript.AbsorbChallenge(SumcheckLabels.Round, rounds[k]); // the plain rounds SumcheckVerifier.Verify replays
                ch[k] = c;
                var c1 = claim - c0 - c0 - c2;
                claim = c0 + c * (c1 + c * c2);
                var oneMinus = Fr.One - c;
                for (int g = 0; g < groups; g++)
                {
                    if (k < nv[g]) { e[g].Bind(c, eLive[g][k + 1], scratch); p[g].Bind(c, pLive[g][k + 1], scratch); }
                    else { e[g].ScaleFirst(oneMinus); p[g].ScaleFirst(oneMinus); }
                }
                ek *= oneMinus;
                if (dt1 is not null)
                {
                    int next = NextLive(dt1.Live, nMax - k - 1);
                    dt1.Bind(c, next, scratch);
                    dt2!.Bind(c, next, scratch);
                    continue;
                }
                BindSparse(rPos, rVal, c);
                if (confinedRounds is not null) continue;
                prefix1 += a1[k + 1] * c;
                prefix2 += a2[k + 1] * c;
                if (k + 1 < nMax) tail1 -= a1[k + 2];
                if (k >= topStart)
                {
                    var bound = Bind(top, c, top.Length / 2);
                    Array.Clear(top); // T's values (secret), as the last one is below
                    top = bound;
                }
            }
        }
        finally
        {
            foreach (var t in p) t?.Clear();
            dt1?.Clear();
            dt2?.Clear();
            Array.Clear(scratch);
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rVal).Clear(); // R's entries, bound round by round (secret)
        }

        // The joint claim, normalised by K_0 (its coefficient becomes 1: one ecAdd on chain for the first vector).
        var (coef, eq0) = Coefficients(vectors, claims, rhoPow, ch);
        if (coef[0].IsZero) throw new InvalidOperationException($"the coefficient of vector 0 ({vectors[0].Role}) vanishes at the sumcheck point (probability ~2^-250)");
        var hint = coef[0].Inverse();
        var kap = coef.Select(k => k * hint).ToArray();
        var m1 = rhoPrime * hint;
        var m2 = m1 * eq0;
        int size = 1 << nMax;
        // The joint vector reuses a 2^N table E_g (public data, done with): one 32 MiB allocation fewer at MNIST B = 1024.
        var joint = eTab.FirstOrDefault(t => t.Length == size) is { } reuse ? reuse : new Fr[size];
        Array.Clear(joint);
        e = null!;
        eTab = null!;
        var fixedIdx = Enumerable.Range(0, groups).Where(g => witnesses[g].Folds != null).ToArray();
        for (int g = 0; g < groups; g++) AddScaled(joint, witnesses[g].Values, witnesses[g].Offset, witnesses[g].Length, kap[g]);
        mask.AddScaledTo(joint, m1, m2);
        var commitment = OpenedCommitment(vectors, kap, mask.CommitmentD1, mask.CommitmentD2, m1, m2);
        var blinding = m1 * mask.BlindingD1 + m2 * mask.BlindingD2;
        for (int g = 0; g < groups; g++) blinding += kap[g] * witnesses[g].Blinding;
        var point = JointPoint(ch);
        FixedPart? fixedPart = null;
        if (fixedIdx.Length > 0 && fixedIdx.All(g => witnesses[g].Length == witnesses[fixedIdx[0]].Length))
        {
            var fixedVec = new Fr[witnesses[fixedIdx[0]].Length];
            foreach (var g in fixedIdx) AddScaled(fixedVec, witnesses[g].Values, witnesses[g].Offset, witnesses[g].Length, kap[g]);
            fixedPart = new FixedPart(Fr.One, fixedVec, fixedIdx.Select(g => witnesses[g].Folds!).ToArray(), fixedIdx.Select(g => kap[g]).ToArray());
        }
        // The mask's structured part of the joint vector, m1·A1 + m2·A2 (affine) and m2·T (top blocks): its fold commitments
        // go through the per-level mask points (R stays in the rest: sparse, its folds stay sparse).
        // A confined mask has no such part (its folds are committed densely with the rest).
        MaskFoldPart? maskPart = null;
        if (!mask.Confined)
        {
            var affine = new Fr[nMax + 1];
            for (int b = 0; b <= nMax; b++) affine[b] = m1 * a1[b] + m2 * a2[b];
            maskPart = new MaskFoldPart(affine, mask.Top.Select(x => m2 * x).ToArray(), mask.PointsFor);
        }
        Array.Clear(top);
        return new ZkReduction(sigma, rounds, hint, commitment, blinding, joint, point, claim * hint, fixedPart, maskPart);
    }

    /// <summary>The prover's reduction: proof scalars before HyperKZG and the normalised joint claim with its opening data (a class: no printing of the secret parts).</summary>
    internal sealed class ZkReduction(Fr maskSum, Fr[][] rounds, Fr inverseHint, G1Affine commitment, Fr blinding, Fr[] joint, Fr[] point, Fr value, FixedPart? @fixed, MaskFoldPart? maskPart)
    {
        public Fr MaskSum { get; } = maskSum;
        public Fr[][] Rounds { get; } = rounds;
        public Fr InverseHint { get; } = inverseHint;
        public G1Affine Commitment { get; } = commitment;
        public Fr Blinding { get; } = blinding;
        public Fr[] Joint { get; } = joint;
        public Fr[] Point { get; } = point;
        public Fr Value { get; } = value;
        public FixedPart? Fixed { get; } = @fixed;
        /// <summary>The mask's structured part for the per-level fold points; null for a confined mask (its folds are committed densely).</summary>
        public MaskFoldPart? MaskPart { get; } = maskPart;
    }

    /// <summary>
    /// Verifies a ZK batched opening of <paramref name="claims"/> on <paramref name="vectors"/> with the mask commitments
    /// (C_D1, C_D2) <paramref name="maskCommitments"/>, H = <paramref name="blindingBase"/>. Returns false with a reason on
    /// any failure; never throws on adversarial proofs.
    /// </summary>
    /// <remarks>
    /// With <paramref name="bindStatement"/> false the caller MUST have absorbed every vector commitment, every claim (terms,
    /// points, values) and C_D1, C_D2 before this call: the opening then absorbs only σ_o and the rounds. A C_D2 (or any
    /// commitment) the prover may pick after the challenges forges any claim
    /// (<c>Mask_commitments_not_bound_before_the_opening_forge_a_false_claim</c>).
    /// </remarks>
    public static bool Verify(in KzgVerifierKey vk, in G1Affine blindingBase, Transcript transcript, IReadOnlyList<ZkOpeningVector> vectors,
        IReadOnlyList<ZkOpeningClaim> claims, IReadOnlyList<G1Affine> maskCommitments, ZkBatchOpeningProof proof, bool bindStatement, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        if (proof is null) { reason = "no proof"; return false; }
        if ((reason = CheckStatement(vectors, claims, out int nMax)) != null) return false;
        if (maskCommitments is not { Count: 2 } mc || !mc[0].IsOnCurve || !mc[1].IsOnCurve) { reason = "the mask commitments C_D1, C_D2 are not two points of the curve"; return false; }
        if (proof.RoundPolynomials is not { } rp || rp.Length != nMax || rp.Any(x => x is not { Length: 2 }))
        { reason = $"proof shape does not match a sumcheck of {nMax} rounds of (c0, c2)"; return false; }
        if ((reason = Replay(transcript, vectors, claims, mc, proof.MaskSum, rp, proof.InverseHint, bindStatement, out var joint)) != null) return false;
        if (!HyperKzg.VerifyHiding(vk, blindingBase, transcript, joint!.Commitment, joint.Point, joint.Value, proof.Opening, out var r2))
        { reason = "joint hiding HyperKZG opening: " + r2; return false; }
        reason = null;
        return true;
    }

    /// <summary>The verifier's claim for the joint opening and the challenges it came from.</summary>
    internal sealed record ZkJointClaim(Fr RhoPrime, Fr[] RhoPow, Fr[] Challenges, Fr[] K, Fr Eq0, G1Affine Commitment, Fr[] Point, Fr Value);

    /// <summary>
    /// The verifier's reduction: replays σ_o and the rounds, computes K_g from the challenges, checks the hint and returns
    /// the normalised joint claim (C′, r, e′) = ((Σ_g K_g·C_g + ρ′·C_D1 + ρ′·eq(0, c)·C_D2)/K_0, c reversed, e/K_0).
    /// Its only prover inputs are σ_o and the rounds (absorbed before the challenges that follow them) and the hint
    /// (checked: hint·K_0 = 1); nothing else the prover sends enters C′ or e′.
    /// </summary>
    internal static string? Replay(Transcript transcript, IReadOnlyList<ZkOpeningVector> vectors, IReadOnlyList<ZkOpeningClaim> claims,
        IReadOnlyList<G1Affine> maskCommitments, Fr maskSum, Fr[][] rounds, Fr inverseHint, bool bindStatement, out ZkJointClaim? joint)
    {
        joint = null;
        int m = claims.Count, nMax = rounds.Length;
        if (bindStatement) AbsorbStatement(transcript, vectors, claims, maskCommitments[0], maskCommitments[1]);
        var (rhoPrime, rhoPow) = Challenges(transcript, maskSum, m);
        var claim = rhoPrime * maskSum;
        for (int i = 0; i < m; i++) claim += rhoPow[i] * claims[i].Value;
        var sc = SumcheckVerifier.Verify(transcript, claim, nMax, 2, new SumcheckProof(rounds));
        if (!sc.Success) return "sumcheck: " + sc.Error;
        var ch = sc.Point; // challenge k binds index bit k
        var (coef, eq0) = Coefficients(vectors, claims, rhoPow, ch);
        if (coef[0].IsZero) return $"the coefficient of vector 0 ({vectors[0].Role}) vanishes at the sumcheck point";
        if (inverseHint * coef[0] != Fr.One) return "the inverse hint is not the inverse of vector 0's coefficient K_0";
        var kap = coef.Select(k => k * inverseHint).ToArray();
        var m1 = rhoPrime * inverseHint;
        var commitment = OpenedCommitment(vectors, kap, maskCommitments[0], maskCommitments[1], m1, m1 * eq0);
        joint = new ZkJointClaim(rhoPrime, rhoPow, ch, coef, eq0, commitment, JointPoint(ch), sc.ExpectedValue * inverseHint);
        return null;
    }

    /// <summary>N = max n_g, or an error naming the first malformed vector, claim or term (N ≥ 4: the sparse HyperKZG mask needs two folding levels).</summary>
    private static string? CheckStatement(IReadOnlyList<ZkOpeningVector> vectors, IReadOnlyList<ZkOpeningClaim> claims, out int nMax)
    {
        nMax = 0;
        if (vectors is not { Count: > 0 }) return "no vectors";
        if (claims is not { Count: > 0 }) return "no claims";
        for (int g = 0; g < vectors.Count; g++)
        {
            var v = vectors[g];
            if (v is null) return $"vector {g} missing";
            if (v.NumVars < 0 || v.NumVars > 30) return $"vector {g} ({v.Role}): {v.NumVars} variables out of range 0 … 30";
            if (!v.Commitment.IsOnCurve) return $"vector {g} ({v.Role}): commitment not on the curve";
            nMax = Math.Max(nMax, v.NumVars);
        }
        if (nMax < HyperKzgMask.MinVars) return $"the largest vector has {nMax} variables; the ZK batched opening needs at least {HyperKzgMask.MinVars} (two HyperKZG levels for the sparse mask)";
        bool first = false;
        for (int i = 0; i < claims.Count; i++)
        {
            if (claims[i]?.Terms is not { Count: > 0 } terms) return $"claim {i}: no terms";
            for (int j = 0; j < terms.Count; j++)
            {
                var t = terms[j];
                if (t?.Weight is null) return $"claim {i} term {j}: no weight";
                if (t.Vector < 0 || t.Vector >= vectors.Count) return $"claim {i} term {j}: vector {t.Vector} out of range 0 … {vectors.Count - 1}";
                if (t.Weight.NumVars != vectors[t.Vector].NumVars)
                    return $"claim {i} term {j}: weight over {t.Weight.NumVars} variables on vector {t.Vector} ({vectors[t.Vector].Role}) of {vectors[t.Vector].NumVars}";
                first |= t.Vector == 0;
            }
        }
        if (!first) return $"vector 0 ({vectors[0].Role}) has no term: its coefficient normalises the joint claim";
        return null;
    }

    /// <summary>Absorbs the vectors (n_g, C_g), the mask commitments and the claims (terms and values), for callers whose transcript does not already determine them.</summary>
    private static void AbsorbStatement(Transcript t, IReadOnlyList<ZkOpeningVector> vectors, IReadOnlyList<ZkOpeningClaim> claims, in G1Affine d1, in G1Affine d2)
    {
        t.AppendUInt64(Labels.VectorCount, (ulong)vectors.Count);
        foreach (var v in vectors)
        {
            t.AppendUInt64(Labels.NumVars, (ulong)v.NumVars);
            t.AppendG1(Labels.Commitment, v.Commitment);
        }
        t.AppendG1s(Labels.MaskCommitments, [d1, d2]);
        t.AppendUInt64(Labels.ClaimCount, (ulong)claims.Count);
        foreach (var c in claims)
        {
            t.AppendUInt64(Labels.TermCount, (ulong)c.Terms.Count);
            foreach (var term in c.Terms)
            {
                t.AppendUInt64(Labels.TermVector, (ulong)term.Vector);
                t.AppendScalar(Labels.TermCoefficient, term.Coefficient);
                term.Weight.Absorb(t);
            }
            t.AppendScalar(Labels.Value, c.Value);
        }
    }

    /// <summary>absorb σ_o (<c>open_mask_sum</c>); ρ′ = <c>open_rho</c>; ρ = <c>batch/rho</c>; returns ρ′ and ρ^0 … ρ^(m−1).</summary>
    private static (Fr RhoPrime, Fr[] RhoPow) Challenges(Transcript t, in Fr sigma, int m)
    {
        t.AppendScalar(Labels.MaskSum, sigma);
        var rhoPrime = t.ChallengeScalar(Labels.RhoPrime);
        var rho = t.ChallengeScalar(Labels.Rho);
        return (rhoPrime, FieldPowers.Of(rho, m));
    }

    /// <summary>
    /// K_g = Σ_(t on g) ρ^(i(t))·κ_t·w̃_t(r_g)·Π_(n_g ≤ b &lt; N)(1 − c_b) (r_g: coordinate of index bit b = c_b) and
    /// eq(0, c) = Π_b (1 − c_b): everything the verifier needs from the challenges, no prover value.
    /// </summary>
    internal static (Fr[] K, Fr Eq0) Coefficients(IReadOnlyList<ZkOpeningVector> vectors, IReadOnlyList<ZkOpeningClaim> claims, Fr[] rhoPow, Fr[] ch)
    {
        int nMax = ch.Length;
        // lag[n] = Π_(n ≤ b < N)(1 − c_b)
        var lag = new Fr[nMax + 1];
        lag[nMax] = Fr.One;
        for (int b = nMax - 1; b >= 0; b--) lag[b] = lag[b + 1] * (Fr.One - ch[b]);
        var points = new Fr[vectors.Count][];
        var k = new Fr[vectors.Count];
        for (int i = 0; i < claims.Count; i++)
            foreach (var t in claims[i].Terms)
            {
                int n = vectors[t.Vector].NumVars;
                points[t.Vector] ??= OwnPoint(ch, n);
                k[t.Vector] += rhoPow[i] * t.Coefficient * t.Weight.Evaluate(points[t.Vector]);
            }
        for (int g = 0; g < vectors.Count; g++) k[g] *= lag[vectors[g].NumVars];
        return (k, lag[0]);
    }

    /// <summary>C′ = Σ_g κ′_g·C_g + m1·C_D1 + m2·C_D2 (one MSM; κ′_0 = 1).</summary>
    private static G1Affine OpenedCommitment(IReadOnlyList<ZkOpeningVector> vectors, Fr[] kap, in G1Affine d1, in G1Affine d2, in Fr m1, in Fr m2)
    {
        var bases = new G1Affine[vectors.Count + 2];
        var scalars = new Fr[bases.Length];
        for (int g = 0; g < vectors.Count; g++) { bases[g] = vectors[g].Commitment; scalars[g] = kap[g]; }
        bases[^2] = d1; scalars[^2] = m1;
        bases[^1] = d2; scalars[^1] = m2;
        return G1Msm.Compute(bases, scalars).ToAffine();
    }

    /// <summary>The n-coordinate point (project order) whose coordinate for index bit b is ch[b].</summary>
    private static Fr[] OwnPoint(Fr[] ch, int n)
    {
        var z = new Fr[n];
        for (int b = 0; b < n; b++) z[MleOrder.PointIndexOfBit(n, b)] = ch[b];
        return z;
    }

    private static Fr[] JointPoint(Fr[] ch) => OwnPoint(ch, ch.Length);

    /// <summary>dst[i] += scale·src[offset + i] for i &lt; length.</summary>
    private static void AddScaled(Fr[] dst, Fr[] src, int offset, int length, Fr scale)
    {
        if (scale.IsZero) return;
        // Only up to src's last non-zero entry: the zero tails of padded vectors add nothing.
        Polynomials.Parallelism.For(src.AsSpan(offset, length).LastIndexOfAnyExcept(Fr.Zero) + 1, (lo, hi) =>
            Polynomials.ProductKernels.AddScaled(src.AsSpan(offset + lo, hi - lo), scale, dst.AsSpan(lo, hi - lo)));
    }

    /// <summary>The length of <paramref name="p"/>'s prefix up to its last non-zero entry, rounded up to even (≥ 1; the whole of a table of 1 entry).</summary>
    private static int EvenPrefix(ReadOnlySpan<Fr> p)
    {
        if (p.Length == 1) return 1;
        int used = p.LastIndexOfAnyExcept(Fr.Zero) + 1;
        return Math.Max(2, used + (used & 1));
    }

    /// <summary>The live length after binding a table with <paramref name="live"/> live entries to one of 2^<paramref name="varsLeft"/> entries: half, rounded up to even (pairs), at most the table.</summary>
    private static int NextLive(int live, int varsLeft)
    {
        int half = live / 2, size = 1 << varsLeft;
        return Math.Min(size, Math.Max(size == 1 ? 1 : 2, half + (half & 1)));
    }

    /// <summary>Σ_(j &lt; pairs) t[2j] (in parallel for long tables).</summary>
    private static Fr EvenSum(Fr[] t, int pairs)
    {
        if (pairs < Polynomials.Parallelism.Threshold)
        {
            var acc = Fr.Zero;
            for (int j = 0; j < pairs; j++) Fr.Add(acc, t[2 * j], out acc);
            return acc;
        }
        var total = Fr.Zero;
        var gate = new object();
        Polynomials.Parallelism.For(pairs, (lo, hi) =>
        {
            var acc = Fr.Zero;
            for (int j = lo; j < hi; j++) Fr.Add(acc, t[2 * j], out acc);
            lock (gate) total += acc;
        });
        return total;
    }

    /// <summary>
    /// The sumcheck part of a confined mask's sel_L*·A1 and D2 = sel_L*·(A2 + T) (docs/protocol.md "ZK mode: the column-major
    /// private input", (4)) in closed form: per round O(N·(N + K)) field operations from A1, A2, T and the challenges,
    /// instead of dense tables of L* entries filled once and bound every round (the reference twin in <see cref="Reduce(Transcript, IReadOnlyList{ZkOpeningVector}, IReadOnlyList{ZkOpeningWitness}, IReadOnlyList{ZkOpeningClaim}, ZkOpeningMask, bool, bool)"/>).
    /// R* (part of D1) is not here: its positions are all below L*, so the caller binds it sparsely as the unconfined R.
    /// </summary>
    /// <remarks>
    /// Derivation. Write x_j for index bit j (bit 0 is bound first) and f̃ for the multilinear extension of a table f. Round k,
    /// with bits 0 … k−1 bound to c_0 … c_(k−1), needs
    ///   S1 = Σ_(x ∈ {0,1}^N, x_k = 0) eq(c, x_(&lt;k))·sel(x)·A1(x)   (the even entries of the bound table of sel·A1), and
    ///   D2(β) = D̃2(c_0, …, c_(k−1), β, 0, …, 0) = Σ_(x &lt; L*, x_k = β, x_(&gt;k) = 0) eq(c, x_(&lt;k))·(A2 + T)(x)   for β = 0, 1
    /// (the bound D2's entries 0 and 1). [0, L*) is the disjoint union of the dyadic blocks B_i = [p_i, p_i + 2^i), one per set
    /// bit i of L*, with p_i = L* with its bits 0 … i cleared: on B_i the bits ≥ i equal p_i's (bit i is 0) and the bits &lt; i
    /// run over {0,1}^i. A1 is affine and A2 + T multilinear (T depends on the top log₂K bits only), and for a multilinear f
    ///   Σ_(y ∈ {0,1}^m) eq(c, y)·f(y, z) = f̃(c, z)   and   Σ_(y ∈ {0,1}^m) f(y, z) = 2^m·f̃(½, …, ½, z).
    /// S1 on B_i:
    ///   i ≤ k: the free bits are bound (f̃ at c_(&lt;i)); bits i … k−1 are p_i's, bound with the weight
    ///          w_i = Π_(i ≤ j &lt; k) eq(c_j, bit j of p_i); x_k = bit k of p_i must be 0; the bits above k are p_i's:
    ///          [bit k of p_i = 0]·w_i·Ã1(c_0, …, c_(i−1), p_i's bits i … N−1).
    ///   i &gt; k: bits &lt; k bound, x_k = 0, bits k+1 … i−1 free and summed (2^(i−k−1) entries), bits ≥ i p_i's:
    ///          2^(i−k−1)·Ã1(c_0, …, c_(k−1), 0, ½, …, ½, p_i's bits i … N−1).
    /// D2(β) on B_i (x_(&gt;k) = 0 and x_k = β select the entries):
    ///   i ≤ k: p_i's bits above k must be 0 and its bit k = β: w_i·(Ã2 + T̃)(c_0, …, c_(i−1), p_i's bits i … N−1).
    ///   i &gt; k: the selected entries lie in B_i only if p_i's bits ≥ i are 0, i.e. p_i = 0 (B_i = [0, 2^i) then holds all of
    ///          them, as i ≥ k + 1): (Ã2 + T̃)(c_0, …, c_(k−1), β, 0, …, 0).
    /// Ã(q) = a + Σ_j δ_j·q_j and T̃(q) = Σ_u T_u·Π_t eq(q_(N−log₂K+t), bit t of u). The sums are exact field identities, so
    /// the rounds equal the dense twin's entry for entry (<c>ZkMaskConfinedRoundsTests</c>).
    /// </remarks>
    private sealed class ConfinedMaskRounds
    {
        private readonly ZkOpeningMask _mask;
        private readonly int _topShift;
        private readonly Fr _half = Fr.FromInt64(2).Inverse();
        private readonly Fr[] _q; // the evaluation point (public: challenges, bits and ½)

        public ConfinedMaskRounds(ZkOpeningMask mask)
        {
            _mask = mask;
            _topShift = mask.NumVars - System.Numerics.BitOperations.Log2((uint)mask.Top.Length);
            _q = new Fr[mask.NumVars];
        }

        /// <summary>S1 and D2(0), D2(1) of round k = c.Length (see the remarks) for the challenges c = c_0 … c_(k−1).</summary>
        public void Round(ReadOnlySpan<Fr> c, out Fr evenA1, out Fr d2Zero, out Fr d2One)
        {
            int n = _mask.NumVars, k = c.Length;
            long used = _mask.Used;
            var q = _q;
            evenA1 = Fr.Zero; d2Zero = Fr.Zero; d2One = Fr.Zero;
            for (int i = 0; i < n; i++)
            {
                if ((used >> i & 1) == 0) continue;
                long p = used >> (i + 1) << (i + 1);
                if (i <= k)
                {
                    bool bitK = (p >> k & 1) == 1, selectedD2 = p >> (k + 1) == 0;
                    if (bitK && !selectedD2) continue;
                    var w = Fr.One;
                    for (int j = i; j < k; j++) w *= (p >> j & 1) == 1 ? c[j] : Fr.One - c[j];
                    for (int j = 0; j < n; j++) q[j] = j < i ? c[j] : (p >> j & 1) == 1 ? Fr.One : Fr.Zero;
                    if (!bitK) evenA1 += w * Affine(_mask.A1, q);
                    if (selectedD2)
                    {
                        var v = w * (Affine(_mask.A2, q) + TopMle(q));
                        if (bitK) d2One += v;
                        else d2Zero += v;
                    }
                }
                else
                {
                    for (int j = 0; j < n; j++) q[j] = j < k ? c[j] : j == k ? Fr.Zero : j < i ? _half : (p >> j & 1) == 1 ? Fr.One : Fr.Zero;
                    evenA1 += FieldPowers.TwoTo(i - k - 1) * Affine(_mask.A1, q);
                    if (p != 0) continue;
                    for (int j = k; j < n; j++) q[j] = Fr.Zero;
                    d2Zero += Affine(_mask.A2, q) + TopMle(q);
                    q[k] = Fr.One;
                    d2One += Affine(_mask.A2, q) + TopMle(q);
                }
            }
        }

        /// <summary>Ã(q) = a + Σ_j δ_j·q_j for A = [a, δ_0 … δ_(N−1)].</summary>
        private static Fr Affine(Fr[] a, Fr[] q)
        {
            var v = a[0];
            for (int j = 0; j < q.Length; j++) v += a[j + 1] * q[j];
            return v;
        }

        /// <summary>T̃ at q's top log₂K coordinates (T[u] sits on the entries whose bits from N − log₂K on spell u): Σ_u T[u]·eq.</summary>
        private Fr TopMle(Fr[] q)
        {
            // Eq.Table's coordinate 0 is its index's most significant bit, T's index has q[N − 1] there: reversed.
            var coords = q[_topShift..];
            Array.Reverse(coords);
            var eq = Polynomials.Eq.Table(coords);
            var top = _mask.Top;
            var v = Fr.Zero;
            for (int u = 0; u < top.Length; u++) v += top[u] * eq[u];
            return v;
        }
    }

    /// <summary>
    /// A table of the ZK opening's sumcheck: of its logical entries only the first Live are stored (the rest are zeros: a
    /// padded vector's tail, a confined mask past L*, or entries no later round reads), bound at index bit 0 once per round
    /// in place through one scratch buffer that all tables share (bound in parallel into the scratch, copied back), instead
    /// of into a new array per round. A source that is not owned (a witness's entries) is only read: its first round binds
    /// into a buffer of the table's own. <see cref="Clear"/> zeroes what the table wrote (the vectors' and the mask's are
    /// secret; the caller clears the scratch).
    /// </summary>
    /// <remarks>A source that is not owned may be a view: its entries start at <paramref name="offset"/> (a split vector's half).</remarks>
    private sealed class LiveTable(Fr[] source, int live, bool owned, int offset = 0)
    {
        private readonly Fr[] _source = source;
        private Fr[]? _own;

        /// <summary>The current table: its first <see cref="Live"/> entries are the bound values; the entries after them are stale.</summary>
        public Fr[] Table { get; private set; } = source;

        /// <summary>Where the current table's entries start in <see cref="Table"/>: a view's offset until its first round, then 0.</summary>
        public int Start => !owned && ReferenceEquals(Table, _source) ? offset : 0;

        /// <summary>The stored prefix: even, or 1 for a table of one entry.</summary>
        public int Live { get; private set; } = live;

        /// <summary>
        /// Binds index bit 0 to r and keeps the first <paramref name="next"/> entries: entry j becomes t[2j] + r·(t[2j+1] − t[2j])
        /// for the live pairs j &lt; Live/2 and 0 after them (a zero tail's pairs bind to zeros). <paramref name="scratch"/> holds
        /// at least min(Live/2, next) entries.
        /// </summary>
        public void Bind(in Fr r, int next, Fr[] scratch)
        {
            int pairs = Math.Min(Live / 2, next);
            var t = Table;
            bool inPlace = owned || !ReferenceEquals(t, _source);
            var dst = inPlace ? scratch : (_own = GC.AllocateUninitializedArray<Fr>(next));
            var rr = r;
            int at = inPlace ? 0 : offset; // (an owned source, or the table after its first round, starts at 0)
            Polynomials.Parallelism.For(pairs, (lo, hi) =>
                Polynomials.DenseMle.BindPairs(t.AsSpan(at + 2 * lo, 2 * (hi - lo)), rr, dst.AsSpan(lo, hi - lo)));
            if (inPlace) Array.Copy(scratch, t, pairs);
            else Table = dst;
            Table.AsSpan(pairs, next - pairs).Clear();
            Live = next;
        }

        /// <summary>Multiplies the single entry of a table with no variables left by f (the factor 1 − c_k of a smaller vector).</summary>
        public void ScaleFirst(in Fr f)
        {
            if (!owned && ReferenceEquals(Table, _source)) Table = _own = [_source[offset]];
            Table[0] *= f;
        }

        /// <summary>Zeroes every buffer this table wrote (the owned source included).</summary>
        public void Clear()
        {
            if (_own is not null) Array.Clear(_own);
            if (owned) Array.Clear(_source);
        }
    }

    /// <summary>The table bound at index bit 0 to r: the first <paramref name="length"/> entries of the half-length table (for P_g, the rest are zeros: see live in <see cref="Reduce(Transcript, IReadOnlyList{ZkOpeningVector}, IReadOnlyList{ZkOpeningWitness}, IReadOnlyList{ZkOpeningClaim}, ZkOpeningMask, bool, bool)"/>); entries past the input's pairs are zero.</summary>
    private static Fr[] Bind(Fr[] t, Fr r, int length)
    {
        var dst = new Fr[length];
        int pairs = Math.Min(length, t.Length / 2);
        Polynomials.Parallelism.For(pairs, (lo, hi) =>
            Polynomials.DenseMle.BindPairs(t.AsSpan(2 * lo, 2 * (hi - lo)), r, dst.AsSpan(lo, hi - lo)));
        return dst;
    }

    /// <summary>Binds index bit 0 of a sparse table (sorted positions) to r: position j → j/2 with weight r (odd) or 1 − r (even).</summary>
    private static void BindSparse(List<long> pos, List<Fr> val, Fr r)
    {
        var oneMinus = Fr.One - r;
        var np = new List<long>(pos.Count);
        var nvl = new List<Fr>(pos.Count);
        for (int j = 0; j < pos.Count; j++)
        {
            var v = val[j] * ((pos[j] & 1) == 1 ? r : oneMinus);
            long q = pos[j] >> 1;
            if (np.Count > 0 && np[^1] == q) nvl[^1] += v;
            else { np.Add(q); nvl.Add(v); }
        }
        pos.Clear(); pos.AddRange(np);
        // R's values are secret: the old entries are zeroed before the list shrinks (List.Clear keeps them in its backing
        // array) and the temporary list after its copy.
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(val).Clear();
        val.Clear(); val.AddRange(nvl);
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(nvl).Clear();
    }

    /// <summary>Transcript labels of the ZK batched opening (public for the Solidity verifier's templates).</summary>
    public static class Labels
    {
        /// <summary>Statement binding: the number of vectors G.</summary>
        public const string VectorCount = "batch/nvectors";
        /// <summary>Statement binding: a vector's n_g (also a block weight's n).</summary>
        public const string NumVars = "batch/nvars";
        /// <summary>Statement binding: a vector's commitment C_g.</summary>
        public const string Commitment = "batch/C";
        /// <summary>Statement binding: C_D1 ‖ C_D2.</summary>
        public const string MaskCommitments = "zk_masks";
        /// <summary>Statement binding: the number of claims m.</summary>
        public const string ClaimCount = "batch/count";
        /// <summary>Statement binding: a claim's number of terms.</summary>
        public const string TermCount = "batch/nterms";
        /// <summary>Statement binding: a term's vector g.</summary>
        public const string TermVector = "batch/tvec";
        /// <summary>Statement binding: a term's coefficient κ.</summary>
        public const string TermCoefficient = "batch/tcoef";
        /// <summary>Statement binding: a weight's kind (0 eq, 1 Libra, 2 block).</summary>
        public const string WeightKind = "batch/wkind";
        /// <summary>Statement binding: a weight's data.</summary>
        public const string WeightData = "batch/w";
        /// <summary>Statement binding: a claim's value y_i.</summary>
        public const string Value = "batch/y";
        /// <summary>The mask sum σ_o.</summary>
        public const string MaskSum = "open_mask_sum";
        /// <summary>The challenge ρ′ that scales the mask.</summary>
        public const string RhoPrime = "open_rho";
        /// <summary>The challenge ρ that combines the claims.</summary>
        public const string Rho = "batch/rho";
    }
}

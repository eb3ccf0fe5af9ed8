using ZkMl.Algebra;
using ZkMl.Proofs.Commitments;
using ZkMl.Proofs.Polynomials;
using ZkMl.Proofs.Sumcheck;
using ZkMl.Proofs.Transcripts;

namespace ZkMl.Proofs.Openings;

/// <summary>
/// A claim ṽ(Point) = Value about the vector committed as <see cref="Commitment"/> (the vector has
/// 2^Point.Length entries; coordinates in the project's bit order, docs/protocol.md).
/// </summary>
/// <param name="Commitment">HyperKZG commitment of the vector.</param>
/// <param name="Point">Evaluation point (one coordinate per index bit).</param>
/// <param name="Value">Claimed value of the multilinear extension at the point.</param>
public readonly record struct OpeningClaim(G1Affine Commitment, Fr[] Point, Fr Value);

/// <summary>
/// A vector (commitment, number of variables n) whose 2^k parts along its top k index bits are also
/// committed (1 ≤ k ≤ n): Parts[j] = the commitment of entries [j·2^(n−k), (j+1)·2^(n−k)) as a vector of
/// 2^(n−k) entries (for k = 1: the low and the high half). The batched opening then folds those top bits
/// with their sumcheck challenges c = (c_(n−k), …, c_(n−1)): the joint opening holds Σ_j eq(c, j)·part_j
/// (2^(n−k) entries) under the commitment Σ_j eq(c, j)·Parts[j], which has the same value at the rest of
/// the point. A model committed once at setup makes the per-proof opening 2^k times shorter.
/// </summary>
public readonly record struct SplitVector(G1Affine Commitment, int NumVars, G1Affine[] Parts)
{
    /// <summary>k: the folded top index bits (Parts has 2^k entries).</summary>
    public int Bits => System.Numerics.BitOperations.Log2((uint)Math.Max(1, Parts?.Length ?? 1));

    /// <summary>True when Parts has 2^k entries with 1 ≤ k ≤ NumVars.</summary>
    public bool IsWellFormed => Parts is { Length: >= 2 } p && (p.Length & (p.Length - 1)) == 0 && Bits <= NumVars;

    /// <summary>
    /// The coefficients A_S of the fold commitment as a multilinear polynomial in the k challenges:
    /// Σ_j eq(c, j)·Parts[j] = Σ_S (Π_(t∈S) c_(n−k+t))·A_S, A_S = Σ_(j⊆S) (−1)^(|S|−|j|)·Parts[j]
    /// (the on-chain verifier's constants: 2^k − 1 scalar multiplications).
    /// </summary>
    public G1Affine[] MonomialCoefficients()
    {
        var a = Parts.Select(p => G1Jacobian.FromAffine(p)).ToArray();
        for (int t = 0; (1 << t) < a.Length; t++)
            for (int s = 0; s < a.Length; s++)
                if ((s >> t & 1) == 1) a[s] = a[s] - a[s ^ (1 << t)];
        var r = new G1Affine[a.Length];
        G1Jacobian.BatchToAffine(a, r);
        return r;
    }
}

/// <summary>
/// Batched opening (DESIGN.md §4.4, Nova's <c>batch_eval_reduce</c>): m claims on G distinct vectors
/// (a vector = a commitment and its number of variables) of possibly different sizes are reduced by
/// ONE sumcheck over Σ_i ρ^i·eq(z_i, x)·P_(g(i))(x) to one value per vector at one point, combined
/// with γ into one claim on Σ_g γ^g·C_g and proven by ONE HyperKZG opening.
/// </summary>
/// <remarks>
/// Let N = max n_i. A vector with n_i &lt; N variables is zero-padded at the end to 2^N entries,
/// so its padded MLE is P̂_i(x) = P_i(low n_i index bits of x)·Π(1 − x_b) over the missing index
/// bits b = n_i … N−1 (the high-order bits). The sumcheck binds index bit 0 first, so P_i takes
/// part in rounds 0 … n_i−1 and is a constant afterwards. See docs/protocol.md "Batched openings".
/// The HyperKZG opening runs without its claim absorb (bindClaim false): the joint commitment is fixed by the
/// claims' commitments (absorbed with bindClaims, else by the caller) and γ, the point by the sumcheck's
/// challenges, the value by the absorbed evaluations and γ, so absorbing them again adds no binding.
/// </remarks>
public static class BatchOpening
{
    /// <summary>
    /// Proves all <paramref name="claims"/>; <paramref name="vectors"/>[i] is the committed vector of
    /// claim i (length 2^claims[i].Point.Length). Runs on <paramref name="transcript"/> (absorbs
    /// every claim first). Claimed values are not recomputed.
    /// </summary>
    /// <exception cref="ArgumentException">Counts or lengths do not match, or no claims.</exception>
    public static BatchOpeningProof Prove(Srs srs, Transcript transcript, IReadOnlyList<OpeningClaim> claims, IReadOnlyList<Fr[]> vectors)
        => Prove(srs, transcript, claims, vectors, bindClaims: true);

    /// <summary>
    /// As <see cref="Prove(Srs, Transcript, IReadOnlyList{OpeningClaim}, IReadOnlyList{Fr[]})"/>; with
    /// <paramref name="bindClaims"/> false the claims are NOT absorbed: only for callers whose transcript
    /// already determines every commitment, point and value (the inference proof).
    /// </summary>
    public static BatchOpeningProof Prove(Srs srs, Transcript transcript, IReadOnlyList<OpeningClaim> claims, IReadOnlyList<Fr[]> vectors, bool bindClaims)
        => Prove(srs, transcript, claims, vectors, bindClaims, null);

    /// <summary>As <see cref="Prove(Srs, Transcript, IReadOnlyList{OpeningClaim}, IReadOnlyList{Fr[]}, bool)"/>, folding the <paramref name="splits"/> (see <see cref="SplitVector"/>).</summary>
    public static BatchOpeningProof Prove(Srs srs, Transcript transcript, IReadOnlyList<OpeningClaim> claims, IReadOnlyList<Fr[]> vectors, bool bindClaims, IReadOnlyList<SplitVector>? splits)
    {
        var r = Reduce(transcript, claims, vectors, bindClaims, splits);
        // The transcript already determines the joint claim (see the class remarks): HyperKZG does not absorb it again.
        var opening = HyperKzg.Prove(srs, transcript, r.Commitment, r.Joint, r.Point, r.Value, null, bindClaim: false);
        return new BatchOpeningProof(r.Rounds, r.Evaluations, opening);
    }

    /// <summary>The reduction phase of <see cref="Prove(Srs, Transcript, IReadOnlyList{OpeningClaim}, IReadOnlyList{Fr[]}, bool)"/>: the sumcheck, the evaluations and the γ-combined claim and vector (then one HyperKZG opening).</summary>
    /// <remarks>Vectors[g] is group g's vector as it enters the joint one (a split vector's fold), Folds[g] the fold's weights eq(c, j) of its parts (null if not split).</remarks>
    internal static (Fr[][] Rounds, Fr[] Evaluations, G1Affine Commitment, Fr[] Joint, Fr[] Point, Fr Value, Fr[][] Vectors, Fr[] Coefficients, Fr[]?[] Folds) Reduce(
        Transcript transcript, IReadOnlyList<OpeningClaim> claims, IReadOnlyList<Fr[]> vectors, bool bindClaims = true, IReadOnlyList<SplitVector>? splits = null)
    {
        int m = claims.Count;
        if (m == 0) throw new ArgumentException("no claims to open", nameof(claims));
        if (vectors.Count != m) throw new ArgumentException($"{vectors.Count} vectors for {m} claims", nameof(vectors));
        int nMax = 0;
        for (int i = 0; i < m; i++)
        {
            int n = claims[i].Point.Length;
            if (n > 30 || vectors[i].Length != 1 << n)
                throw new ArgumentException($"claim {i}: vector has {vectors[i].Length} entries, point has {n} coordinates", nameof(vectors));
            nMax = Math.Max(nMax, n);
        }
        var rho = AbsorbClaims(transcript, claims, bindClaims);
        var rhoPow = FieldPowers.Of(rho, m);

        // Claims on the same vector share its binding: the sumcheck term of a group is
        // Σ_x E_g(x)·P_g(x) with E_g = Σ_{i∈g} ρ^i·eq(z_i, ·), so each vector is folded once. A claim
        // whose leading coordinates are 0/1 (a sub-vector at an aligned offset) only fills its block of E_g.
        var (groupOf, groups) = Vectors(claims);
        var groupVec = new Fr[groups][];
        for (int i = 0; i < m; i++) groupVec[groupOf[i]] ??= vectors[i];
        var eqs = new BoundTable[groups];
        var ps = new BoundTable[groups];
        var lens = new int[groups];
        var nv = new int[groups];
        for (int g = 0; g < groups; g++)
        {
            // A large table is bound out of place on its first round, so only a small vector (bound in place) needs a copy here.
            var v = groupVec[g];
            ps[g] = v.Length >= 2 * ParallelBindMin ? new BoundTable(v, owned: false) : new BoundTable((Fr[])v.Clone(), owned: true);
            eqs[g] = new BoundTable(new Fr[v.Length], owned: true);
            lens[g] = v.Length;
            nv[g] = System.Numerics.BitOperations.Log2((uint)lens[g]);
        }
        for (int i = 0; i < m; i++) AddEq(eqs[groupOf[i]].Table, claims[i].Point, rhoPow[i]);
        // used[g]: P_g is zero from there on (padded vectors have long zero tails): the round terms and the
        // binding of P_g skip the pairs past it (E_g is bound in full: later rounds read it everywhere).
        var used = new int[groups];
        for (int g = 0; g < groups; g++) used[g] = Math.Max(1, groupVec[g].AsSpan().LastIndexOfAnyExcept(Fr.Zero) + 1);
        var claim = InitialClaim(claims, rhoPow, nMax);
        transcript.AppendScalar(SumcheckLabels.Claim, claim);
        var rounds = new Fr[nMax][];
        var ch = new Fr[nMax];
        for (int k = 0; k < nMax; k++)
        {
            var c0 = Fr.Zero; var c2 = Fr.Zero;
            for (int g = 0; g < groups; g++)
            {
                if (k < nv[g])
                {
                    RoundTerms(eqs[g].Table, ps[g].Table, Math.Min(lens[g] / 2, (used[g] + 1) / 2), out var a0, out var a2);
                    var scale = FieldPowers.TwoTo(nMax - nv[g]);
                    c0 += scale * a0; c2 += scale * a2;
                }
                else
                {
                    c0 += FieldPowers.TwoTo(nMax - k - 1) * eqs[g].Table[0] * ps[g].Table[0];
                }
            }
            rounds[k] = [c0, c2];
            var r = transcript.AbsorbChallenge(SumcheckLabels.Round, rounds[k]);
            ch[k] = r;
            claim = NextClaim(claim, c0, c2, r);
            for (int g = 0; g < groups; g++)
            {
                if (k >= nv[g]) continue;
                int half = lens[g] / 2, pairs = Math.Min(half, (used[g] + 1) / 2);
                eqs[g].Bind(half, half, r);
                ps[g].Bind(half, pairs, r);
                lens[g] = half;
                used[g] = pairs;
            }
        }
        var evals = new Fr[groups];
        for (int g = 0; g < groups; g++) evals[g] = ps[g].Table[0];
        transcript.AppendScalars(Labels.Evals, evals);
        var gamma = transcript.ChallengeScalar(Labels.Gamma);
        var gPow = FieldPowers.Of(gamma, groups);

        // Joint vector Σ_g γ^g·P̂_g (a split vector enters as its fold).
        var shape = GroupShapes(claims, groupOf, groups, ch, splits);
        for (int g = 0; g < groups; g++)
        {
            if (shape.Folds[g] is not { } eqw) continue;
            var v = groupVec[g];
            int part = v.Length / eqw.Length;
            var fold = new Fr[part];
            // fold += eqw[p]·part p, eight products at a time (ProductKernels.AddScaled: FrBatch lanes by a broadcast factor)
            Polynomials.Parallelism.For(part, (lo, hi) =>
            {
                for (int p = 0; p < eqw.Length; p++)
                    Polynomials.ProductKernels.AddScaled(v.AsSpan(p * part + lo, hi - lo), eqw[p], fold.AsSpan(lo, hi - lo));
            });
            groupVec[g] = fold;
        }
        var joint = new Fr[1 << shape.JointVars];
        for (int g = 0; g < groups; g++)
        {
            var v = groupVec[g];
            var coef = gPow[g];
            if (g == 0) { v.CopyTo(joint, 0); continue; } // γ^0 = 1 and the joint vector is still zero
            Polynomials.Parallelism.For(v.Length, (lo, hi) => Polynomials.ProductKernels.AddScaled(v.AsSpan(lo, hi - lo), coef, joint.AsSpan(lo, hi - lo)));
        }
        var (jc, jp, jv) = JointClaim(shape, evals, gPow, ch);
        return (rounds, evals, jc, joint, jp, jv, groupVec, gPow, shape.Folds);
    }

    /// <summary>
    /// Verifies a batched opening of <paramref name="claims"/>, replaying the prover's transcript.
    /// Returns false with a reason on any failure; never throws on adversarial proofs.
    /// </summary>
    /// <remarks>
    /// Soundness: the sumcheck reduces the ρ-combination of the claims to the per-vector values
    /// e_i at one point (error ≤ 2N/|F| per round); γ combines them into one HyperKZG claim
    /// (error ≤ m/|F|); the final check uses eq(z_i, ·) computed by the verifier.
    /// </remarks>
    public static bool Verify(in KzgVerifierKey vk, Transcript transcript, IReadOnlyList<OpeningClaim> claims, BatchOpeningProof proof, out string? reason)
        => Verify(vk, transcript, claims, proof, bindClaims: true, out reason);

    /// <summary>As <see cref="Verify(in KzgVerifierKey, Transcript, IReadOnlyList{OpeningClaim}, BatchOpeningProof, out string?)"/>, with the prover's <paramref name="bindClaims"/>.</summary>
    public static bool Verify(in KzgVerifierKey vk, Transcript transcript, IReadOnlyList<OpeningClaim> claims, BatchOpeningProof proof, bool bindClaims, out string? reason)
        => Verify(vk, transcript, claims, proof, bindClaims, null, out reason);

    /// <summary>As <see cref="Verify(in KzgVerifierKey, Transcript, IReadOnlyList{OpeningClaim}, BatchOpeningProof, bool, out string?)"/>, with the prover's <paramref name="splits"/>.</summary>
    public static bool Verify(in KzgVerifierKey vk, Transcript transcript, IReadOnlyList<OpeningClaim> claims, BatchOpeningProof proof, bool bindClaims,
        IReadOnlyList<SplitVector>? splits, out string? reason)
    {
        int m = claims.Count;
        if (m == 0) { reason = "no claims"; return false; }
        int nMax = 0;
        foreach (var c in claims)
        {
            if (c.Point is null || c.Point.Length > 30) { reason = "claim point missing or too long"; return false; }
            if (!c.Commitment.IsOnCurve) { reason = "claim commitment not on the curve"; return false; }
            nMax = Math.Max(nMax, c.Point.Length);
        }
        if (splits != null)
            foreach (var sv in splits)
                if (sv.Parts != null && sv.Parts.Any(p => !p.IsOnCurve)) { reason = "split part commitment not on the curve"; return false; }
        var (groupOf, groups) = Vectors(claims);
        if (proof.RoundPolynomials.Length != nMax || proof.Evaluations.Length != groups)
        { reason = $"proof shape does not match {groups} vectors over {nMax} variables"; return false; }

        var rho = AbsorbClaims(transcript, claims, bindClaims);
        var rhoPow = FieldPowers.Of(rho, m);
        var sc = SumcheckVerifier.Verify(transcript, InitialClaim(claims, rhoPow, nMax), nMax, 2, new SumcheckProof(proof.RoundPolynomials));
        if (!sc.Success) { reason = "sumcheck: " + sc.Error; return false; }
        var ch = sc.Point; // challenge k binds index bit k
        var claim = sc.ExpectedValue;
        var expected = Fr.Zero;
        for (int i = 0; i < m; i++)
        {
            var z = claims[i].Point;
            int ni = z.Length;
            // r_i: the coordinate of index bit b is ch[b], in the project's point order.
            var ri = new Fr[ni];
            for (int b = 0; b < ni; b++) ri[MleOrder.PointIndexOfBit(ni, b)] = ch[b];
            var eq = Eq.Evaluate(z, ri);
            expected += rhoPow[i] * eq * proof.Evaluations[groupOf[i]];
        }
        if (expected != claim) { reason = "sumcheck final claim does not match Σ ρ^i·eq(z_i, r)·e_g(i)"; return false; }

        transcript.AppendScalars(Labels.Evals, proof.Evaluations);
        var gamma = transcript.ChallengeScalar(Labels.Gamma);
        var gPow = FieldPowers.Of(gamma, groups);
        var (jc, jp, jv) = JointClaim(GroupShapes(claims, groupOf, groups, ch, splits), proof.Evaluations, gPow, ch);
        if (!HyperKzg.Verify(vk, transcript, jc, jp, jv, proof.Opening, bindClaim: false, out var r2))
        { reason = "joint HyperKZG opening: " + r2; return false; }
        reason = null;
        return true;
    }

    /// <summary>E += scale·eq(z, ·); leading 0/1 coordinates select a block, so only that block is written.</summary>
    private static void AddEq(Fr[] e, Fr[] z, in Fr scale)
    {
        int lead = 0;
        long block = 0;
        while (lead < z.Length && (z[lead].IsZero || z[lead].IsOne)) { block = 2 * block + (z[lead].IsOne ? 1 : 0); lead++; }
        int s = z.Length - lead;
        Eq.AddTable(z.AsSpan(lead), scale, e, (int)(block << s)); // in place: no 2^s temporary
    }

    /// <summary>
    /// The distinct vectors of the claims: claims with the same commitment and number of variables
    /// are on one vector; vectors are numbered in order of first appearance.
    /// </summary>
    public static (int[] GroupOf, int Count) Vectors(IReadOnlyList<OpeningClaim> claims)
    {
        var keys = new List<(G1Affine, int)>();
        var groupOf = new int[claims.Count];
        for (int i = 0; i < claims.Count; i++)
        {
            var key = (claims[i].Commitment, claims[i].Point.Length);
            int g = keys.IndexOf(key);
            if (g < 0) { g = keys.Count; keys.Add(key); }
            groupOf[i] = g;
        }
        return (groupOf, keys.Count);
    }

    // The splits' part commitments are not absorbed: since the HyperKZG opening no longer absorbs the joint
    // commitment, a split's parts must be fixed before the first challenge by the caller (the inference proof's
    // splits are the VK's model commitments, in the VK digest it absorbs first). A split built from proof data
    // would need its parts absorbed here.
    private static Fr AbsorbClaims(Transcript t, IReadOnlyList<OpeningClaim> claims, bool bind)
    {
        if (!bind) return t.ChallengeScalar(Labels.Rho);
        t.AppendUInt64(Labels.Count, (ulong)claims.Count);
        foreach (var c in claims)
        {
            t.AppendUInt64(Labels.NumVars, (ulong)c.Point.Length);
            t.AppendG1(Labels.Commitment, c.Commitment);
            t.AppendScalars(Labels.Point, c.Point);
            t.AppendScalar(Labels.Value, c.Value);
        }
        return t.ChallengeScalar(Labels.Rho);
    }

    private static Fr InitialClaim(IReadOnlyList<OpeningClaim> claims, Fr[] rhoPow, int nMax)
    {
        var s = Fr.Zero;
        for (int i = 0; i < claims.Count; i++) s += rhoPow[i] * FieldPowers.TwoTo(nMax - claims[i].Point.Length) * claims[i].Value;
        return s;
    }

    /// <summary>g(X) = c0 + c1·X + c2·X² with c1 = claim − 2c0 − c2 (so g(0) + g(1) = claim); returns g(r).</summary>
    private static Fr NextClaim(in Fr claim, in Fr c0, in Fr c2, in Fr r)
    {
        var c1 = claim - c0 - c0 - c2;
        return c0 + r * (c1 + r * c2);
    }

    /// <summary>
    /// Each group's commitment and variables as it enters the joint opening: a group matching a split (same
    /// commitment and n, well formed) enters as its fold, commitment Σ_j eq(c, j)·Parts[j] and n − k
    /// variables, with c = (ch[n − k], …, ch[n − 1]) (its top index bits' challenges; Folds[g] = the weights
    /// eq(c, j)); JointVars = the largest of those.
    /// </summary>
    private static (G1Affine[] Commitments, int[] NumVars, Fr[]?[] Folds, int JointVars) GroupShapes(
        IReadOnlyList<OpeningClaim> claims, int[] groupOf, int groups, Fr[] ch, IReadOnlyList<SplitVector>? splits)
    {
        var bases = new G1Affine[groups];
        var nv = new int[groups];
        var folds = new Fr[]?[groups];
        for (int i = claims.Count - 1; i >= 0; i--) { bases[groupOf[i]] = claims[i].Commitment; nv[groupOf[i]] = claims[i].Point.Length; }
        for (int g = 0; g < groups; g++)
        {
            if (splits == null) continue;
            foreach (var sv in splits)
            {
                if (!sv.IsWellFormed || sv.Commitment != bases[g] || sv.NumVars != nv[g]) continue;
                int k = sv.Bits;
                var w = Eq.Table(FoldPoint(ch, nv[g], k));
                bases[g] = G1Msm.Compute(sv.Parts, w).ToAffine();
                nv[g] -= k;
                folds[g] = w;
                break;
            }
        }
        return (bases, nv, folds, nv.Max());
    }

    /// <summary>The point (in the project's order) whose eq table weighs the parts: part j's index bit t ↔ ch[n − k + t].</summary>
    private static Fr[] FoldPoint(Fr[] ch, int n, int k)
    {
        var z = new Fr[k];
        for (int t = 0; t < k; t++) z[MleOrder.PointIndexOfBit(k, t)] = ch[n - k + t];
        return z;
    }

    /// <summary>(C, point, value) of the γ-combined claim at the first JointVars sumcheck challenges: C = Σ_g γ^g·C_g, y = Σ_g γ^g·e_g·Π_(n_g ≤ b &lt; JointVars)(1 − c_b).</summary>
    private static (G1Affine C, Fr[] Point, Fr Value) JointClaim((G1Affine[] Commitments, int[] NumVars, Fr[]?[] Folds, int JointVars) shape, Fr[] evals, Fr[] gPow, Fr[] ch)
    {
        int groups = evals.Length, nJoint = shape.JointVars;
        var c = G1Msm.Compute(shape.Commitments, gPow).ToAffine();
        // Point in the project's order: the coordinate of index bit b is ch[b].
        var point = new Fr[nJoint];
        for (int b = 0; b < nJoint; b++) point[MleOrder.PointIndexOfBit(nJoint, b)] = ch[b];
        var value = Fr.Zero;
        for (int g = 0; g < groups; g++)
        {
            var lag = Fr.One;
            for (int b = shape.NumVars[g]; b < nJoint; b++) lag *= Fr.One - ch[b];
            value += gPow[g] * lag * evals[g];
        }
        return (c, point, value);
    }

    /// <summary>Σ_j over pairs: constant and quadratic coefficients of Σ (e0 + X·Δe)(p0 + X·Δp) (also the ZK opening's rounds).</summary>
    /// <remarks>p's pairs start at <paramref name="pOffset"/> (a view of a larger array; e's at 0).</remarks>
    internal static void RoundTerms(Fr[] e, Fr[] p, int half, out Fr c0, out Fr c2, int pOffset = 0)
    {
        var a0 = Fr.Zero; var a2 = Fr.Zero;
        if (half >= 4096)
        {
            int chunks = Math.Min(64, half / 2048);
            var p0s = new Fr[chunks]; var p2s = new Fr[chunks];
            Parallel.For(0, chunks, c =>
            {
                int lo = (int)((long)half * c / chunks), hi = (int)((long)half * (c + 1) / chunks);
                Accumulate(e, p, pOffset, lo, hi, out p0s[c], out p2s[c]);
            });
            for (int c = 0; c < chunks; c++) { a0 += p0s[c]; a2 += p2s[c]; }
        }
        else Accumulate(e, p, pOffset, 0, half, out a0, out a2);
        c0 = a0; c2 = a2;
    }

    private static void Accumulate(Fr[] e, Fr[] p, int pOffset, int lo, int hi, out Fr c0, out Fr c2) =>
        Polynomials.ProductKernels.PairProducts(e, p.AsSpan(pOffset), lo, hi, out c0, out c2);

    /// <summary>Tables of at least 2·this entries are bound out of place, in parallel.</summary>
    private const int ParallelBindMin = 8192;

    /// <summary>
    /// A sumcheck table bound at index bit 0 once per round: entry j becomes t[2j] + r·(t[2j+1] − t[2j]) for
    /// j &lt; count and 0 for count ≤ j &lt; half (the caller's zero tail). A large table is bound in parallel out of
    /// place (in place is safe only sequentially) into two buffers that alternate (ping-pong: the first round's
    /// output of half the length, then one of a quarter, reused for every later round), not into a new array per
    /// round; the first table is never written unless it is <paramref name="owned"/>, and it is dropped after the
    /// first round (the caller's vector stays intact, the opening's own eq table becomes garbage). A small owned
    /// table is bound in place. Entries past the current length are stale: readers take the lengths they track.
    /// </summary>
    private sealed class BoundTable(Fr[] table, bool owned)
    {
        private Fr[]? _spare;
        private bool _first = true;

        /// <summary>The current table (its logical length is the caller's).</summary>
        public Fr[] Table { get; private set; } = table;

        public void Bind(int half, int count, in Fr r)
        {
            var rr = r;
            var t = Table;
            if (half < ParallelBindMin && (owned || !_first))
            {
                Polynomials.DenseMle.BindPairs(t, rr, t.AsSpan(0, count));
                t.AsSpan(count, half - count).Clear();
                return;
            }
            var dst = _spare is { } s && s.Length >= half ? s : GC.AllocateUninitializedArray<Fr>(half);
            Polynomials.Parallelism.For(count, (lo, hi) =>
                Polynomials.DenseMle.BindPairs(t.AsSpan(2 * lo, 2 * (hi - lo)), rr, dst.AsSpan(lo, hi - lo)));
            dst.AsSpan(count, half - count).Clear();
            _spare = _first ? (ReferenceEquals(dst, _spare) ? null : _spare) : t;
            _first = false;
            Table = dst;
        }
    }

    /// <summary>Transcript labels of the batched-opening sub-protocol.</summary>
    internal static class Labels
    {
        public const string Count = "batch/count";
        public const string NumVars = "batch/nvars";
        public const string Commitment = "batch/C";
        public const string Point = "batch/z";
        public const string Value = "batch/y";
        public const string Rho = "batch/rho";
        public const string Evals = "batch/evals";
        public const string Gamma = "batch/gamma";
    }
}

using System.Numerics;
using System.Security.Cryptography;
using ZkMl.Algebra;
using ZkMl.Proofs.Transcripts;

namespace ZkMl.Proofs.Commitments;

/// <summary>
/// HyperKZG with 8-ary folding (a Gemini-like reduction in the shape of Nova's
/// <c>provider/hyperkzg.rs</c>, folding three variables per level): a KZG-based evaluation
/// argument for multilinear polynomials. A vector v of length 2^ℓ is committed as the univariate
/// polynomial P_0(X) = Σ v_i·X^i, i.e. C = Σ v_i·τ^i·G. Its multilinear extension ṽ is evaluated
/// at a point x in the project's bit order (see docs/protocol.md "Multilinear conventions" and "HyperKZG").
/// </summary>
/// <remarks>
/// Level i folds the s_i = min(3, ℓ − 3i) index bits 3i … 3i + s_i − 1 (least significant first):
/// P_(i+1)[j] = Σ_(b &lt; 2^s) eq(x_i, b)·P_i[j·2^s + b], so P_L (L = ⌈ℓ/3⌉) is the constant ṽ(x).
/// Write P_i(X) = Σ_(b&lt;8) X^b·P_(i,b)(X^8) (the eight strided parts). The prover commits
/// P_1 … P_(L−1), receives r and sends the parts' values G_(i,b) = P_(i,b)(r^8) for every level and
/// P_0(r^8). They determine P_i on the coset ω^j·r (ω a primitive 8th root of unity):
/// P_i(ω^j·r) = Σ_b (ω^j·r)^b·G_(i,b), and the next level at r^8: P_(i+1)(r^8) = Σ_b eq(x_i, b)·G_(i,b)
/// (for a last level of s &lt; 3 bits, with K = 2^s, P_L = Σ_(b&lt;K) eq(x, b)·Σ_(t&lt;8/K) r^(tK)·G_(L−1,b+tK)
/// must equal the claimed value). One multi-point opening of B = Σ q^i·P_i at the nine points ω^j·r,
/// r^8 with two witnesses (Boneh–Drake–Fisch–Gabizon 2020 §4) binds all of it: one MSM of L + 3
/// points and one 2-pair pairing check. Against binary folding this needs ⌈ℓ/3⌉ − 1 instead of ℓ − 1
/// fold commitments (fewer scalar multiplications on chain) and folds of total size n/7 instead of n.
/// </remarks>
public static class HyperKzg
{
    /// <summary>Variables folded per level (arity 2^3 = 8).</summary>
    public const int ArityBits = 3;

    /// <summary>Number of evaluation points per level: the coset ω^j·r, j &lt; 8.</summary>
    public const int Arity = 1 << ArityBits;

    /// <summary>Levels L = ⌈ℓ/3⌉ of a proof for ℓ variables (0 for ℓ = 0).</summary>
    public static int Levels(int numVars) => (numVars + ArityBits - 1) / ArityBits;

    /// <summary>ω = 5^((r−1)/8), a primitive 8th root of unity of Fr (5 generates Fr*).</summary>
    public static readonly Fr Omega = Fr.FromBigInteger(BigInteger.ModPow(5, (Fr.Modulus - 1) / Arity, Fr.Modulus));

    /// <summary>ω^j for j &lt; 8.</summary>
    internal static readonly Fr[] OmegaPowers = MakeOmegaPowers();

    private static Fr[] MakeOmegaPowers()
    {
        var w = new Fr[Arity];
        w[0] = Fr.One;
        for (int j = 1; j < Arity; j++) w[j] = w[j - 1] * Omega;
        if (w[Arity / 2] != -Fr.One) throw new InvalidOperationException("ω is not a primitive 8th root of unity");
        return w;
    }

    /// <summary>Commits to a vector of field elements (as univariate coefficients). Needs srs.MaxDegree ≥ length − 1.</summary>
    /// <exception cref="ArgumentException">The SRS is too small.</exception>
    public static G1Affine Commit(Srs srs, ReadOnlySpan<Fr> evaluations) => Kzg.Commit(srs, evaluations);

    /// <summary>The same commitment as <see cref="Commit"/>, faster for vectors with few distinct values (<see cref="Kzg.CommitFewDistinct"/>).</summary>
    /// <exception cref="ArgumentException">The SRS is too small.</exception>
    public static G1Affine CommitFewDistinct(Srs srs, ReadOnlySpan<Fr> evaluations) => Kzg.CommitFewDistinct(srs, evaluations);

    /// <summary>
    /// The commitment of the vector of <paramref name="length"/> entries whose entry i is values[groups[i] − 1] (0 where
    /// groups[i] = 0): the same commitment as <see cref="Commit"/> of that vector, computed by <see cref="Msm.ComputeGrouped"/>.
    /// </summary>
    /// <exception cref="ArgumentException">More entries than the SRS has powers, fewer group entries than <paramref name="length"/>, or a group outside 0 … values.Length.</exception>
    public static G1Affine CommitGrouped(Srs srs, int[] groups, ReadOnlySpan<Fr> values, int length) => Kzg.CommitGrouped(srs, groups, values, length);

    /// <summary>Commits to a vector of small signed integers (each taken mod r) with the small-scalar MSM.</summary>
    /// <exception cref="ArgumentException">The SRS is too small.</exception>
    public static G1Affine CommitSmall(Srs srs, ReadOnlySpan<long> evaluations) => Kzg.CommitSmall(srs, evaluations);

    /// <summary>
    /// Proves ṽ(point) = value for the vector <paramref name="evaluations"/> (length 2^ℓ,
    /// ℓ = point.Length) committed as <paramref name="commitment"/>. First absorbs the commitment,
    /// the point and the value, then runs the protocol on <paramref name="transcript"/>.
    /// The value is not recomputed: a wrong value yields a proof that fails verification.
    /// </summary>
    /// <exception cref="ArgumentException">Length is not 2^ℓ or the SRS is too small.</exception>
    public static HyperKzgProof Prove(Srs srs, Transcript transcript, in G1Affine commitment,
        ReadOnlySpan<Fr> evaluations, ReadOnlySpan<Fr> point, in Fr value)
        => Prove(srs, transcript, commitment, evaluations, point, value, null);

    /// <summary>
    /// As <see cref="Prove(Srs, Transcript, in G1Affine, ReadOnlySpan{Fr}, ReadOnlySpan{Fr}, in Fr)"/>, where the vector
    /// contains <c>fixedPart.Coefficient · fixedPart.Vector</c> (zero-padded) for a vector whose
    /// <see cref="FoldBases"/> were precomputed: the first levels' fold commitments then cost an MSM of
    /// 8^i precomputed points plus one over the rest of the vector. The proof is the same.
    /// </summary>
    public static HyperKzgProof Prove(Srs srs, Transcript transcript, in G1Affine commitment,
        ReadOnlySpan<Fr> evaluations, ReadOnlySpan<Fr> point, in Fr value, FixedPart? fixedPart)
        => ProveCore(srs, transcript, commitment, evaluations, point, value, fixedPart, null, bindClaim: true).Proof;

    /// <summary>
    /// As <see cref="Prove(Srs, Transcript, in G1Affine, ReadOnlySpan{Fr}, ReadOnlySpan{Fr}, in Fr, FixedPart?)"/>; with
    /// <paramref name="bindClaim"/> false the commitment, point and value are NOT absorbed (step 1 of docs/protocol.md
    /// "HyperKZG" is skipped). Sound only when the transcript already determines all three, as in the batched opening
    /// (its commitments, challenges and absorbed evaluations fix the joint claim); the verifier must skip it too.
    /// Internal: with a point that the transcript does not fix, a prover who sees the fold challenge can solve for a
    /// point that opens C to any value (review of issue 19's gas round), so only audited callers may skip the absorb.
    /// </summary>
    internal static HyperKzgProof Prove(Srs srs, Transcript transcript, in G1Affine commitment,
        ReadOnlySpan<Fr> evaluations, ReadOnlySpan<Fr> point, in Fr value, FixedPart? fixedPart, bool bindClaim)
        => ProveCore(srs, transcript, commitment, evaluations, point, value, fixedPart, null, bindClaim).Proof;

    /// <summary>What the hiding variant adds to the prover: H, the blinding s_0 of the opened commitment, the randomness (a class, not a record: no ToString that prints the blinding).</summary>
    private sealed class HidingInputs(G1Affine h, Fr blinding, RandomNumberGenerator? rng)
    {
        public G1Affine H { get; } = h;
        public Fr Blinding { get; } = blinding;
        public RandomNumberGenerator? Rng { get; } = rng;
    }

    private static (HyperKzgProof Proof, Fr BlindingSum) ProveCore(Srs srs, Transcript transcript, in G1Affine commitment,
        ReadOnlySpan<Fr> evaluations, ReadOnlySpan<Fr> point, in Fr value, FixedPart? fixedPart, HidingInputs? hiding, bool bindClaim = true,
        MaskFoldPart? maskPart = null)
    {
        int l = point.Length;
        if (l > 30 || evaluations.Length != 1 << l)
            throw new ArgumentException($"evaluation vector has {evaluations.Length} entries; a point with {l} coordinates needs {(l > 30 ? "2^" + l : (1 << l).ToString())}", nameof(evaluations));
        if (evaluations.Length > srs.G1Powers.Length)
            throw new ArgumentException($"{evaluations.Length} entries exceed the SRS ({srs})", nameof(evaluations));
        if (bindClaim) BindClaim(transcript, commitment, point, value);
        if (l == 0)
        {
            // A constant: the hiding opening reveals its blinding (the value is public anyway).
            if (hiding != null) transcript.AppendScalar(Labels.BlindingSum, hiding.Blinding);
            return (new HyperKzgProof([], [], Fr.Zero, [], [], Fr.Zero), hiding?.Blinding ?? Fr.Zero);
        }

        int levels = Levels(l), opened = OpenedLevels(l);
        // Each P_i is kept only up to its last non-zero coefficient (padded vectors have long zero
        // tails, and so do their folds): every later step works on the prefix.
        var polys = new Fr[levels][];
        polys[0] = evaluations[..Math.Max(1, evaluations.LastIndexOfAnyExcept(Fr.Zero) + 1)].ToArray();
        for (int i = 0; i + 1 < levels; i++) polys[i + 1] = Fold(polys[i], point, ArityBits * i, ArityBits);
        var folds = new G1Affine[opened - 1];
        int precomputed = fixedPart == null ? 0 : Math.Min(opened - 1, fixedPart.Parts.Min(p => p.Levels.Length));
        var fixedFold = precomputed == 0 ? null : fixedPart!.Vector;
        for (int i = 1; i < opened; i++)
        {
            if (i > precomputed && maskPart == null) { folds[i - 1] = Kzg.Commit(srs, polys[i]); continue; }
            // P_i = Σ (structured parts committed through precomputed points) + the rest, committed densely.
            var rest = polys[i];
            var acc = G1Jacobian.Infinity;
            if (i <= precomputed)
            {
                // c·fold_i(fixed), with fixed = Σ_j w_j·part_j:
                // commit(fold_i(fixed)) = Σ_j Σ_b w_j·eq(x_(bits 0…3i−1), b)·D_(j,b) (one MSM of 8^i points per part)
                fixedFold = Fold(fixedFold!, point, ArityBits * (i - 1), ArityBits);
                var c = fixedPart!.Coefficient;
                rest = new Fr[Math.Max(polys[i].Length, fixedFold.Length)];
                polys[i].CopyTo(rest, 0);
                for (int j = 0; j < fixedFold.Length; j++) rest[j] -= c * fixedFold[j];
                var eq = EqWeights(point, 0, ArityBits * i);
                var parts = fixedPart.Parts;
                var bases = new G1Affine[parts.Count * eq.Length];
                var scalars = new Fr[bases.Length];
                for (int j = 0; j < parts.Count; j++)
                {
                    var cw = c * fixedPart.Weights[j];
                    parts[j].Levels[i - 1].CopyTo(bases, j * eq.Length);
                    for (int k = 0; k < eq.Length; k++) scalars[j * eq.Length + k] = cw * eq[k];
                }
                acc = G1Msm.Compute(bases, scalars);
            }
            if (maskPart != null)
            {
                // fold_i(mask) is affine + top-block over the l − 3i remaining bits: its commitment is one MSM of the
                // l − 3i + 1 + K mask points for l − 3i variables (docs/protocol.md "Batched openings" → "ZK mode").
                var (table, commitmentOfMask) = maskPart.Level(point, l, i);
                if (ReferenceEquals(rest, polys[i]) || rest.Length < table.Length)
                {
                    var own = new Fr[Math.Max(rest.Length, table.Length)];
                    rest.CopyTo(own, 0);
                    rest = own;
                }
                SubtractInPlace(rest, table);
                Array.Clear(table);
                acc += commitmentOfMask;
            }
            folds[i - 1] = (acc + G1Jacobian.FromAffine(Kzg.Commit(srs, rest))).ToAffine();
            if (maskPart != null) Array.Clear(rest);
        }
        // Hiding: every fold commitment gets a fresh blinding s_i·H (i = 1 … O−1); s_0 is the opened commitment's.
        var blindings = new Fr[opened];
        if (hiding != null)
        {
            blindings[0] = hiding.Blinding;
            for (int i = 1; i < opened; i++)
            {
                blindings[i] = ZkRandom.Scalar(hiding.Rng);
                folds[i - 1] = (G1Jacobian.FromAffine(hiding.H).ScalarMul(blindings[i]) + folds[i - 1]).ToAffine();
            }
        }
        // The last level (2, 4 or 8 coefficients when L ≥ 2) is sent as it is.
        var last = levels >= 2 ? Padded(polys[levels - 1], 1 << (l - ArityBits * (levels - 1))) : [];

        transcript.AppendG1s(Labels.Folds, folds);
        if (last.Length > 0) transcript.AppendScalars(Labels.Last, last);
        var r = transcript.ChallengeScalar(Labels.R);
        if (!PointsAreDistinct(r)) throw new InvalidOperationException("HyperKZG challenge r = 0 or r^56 = 1 (probability ~2^-248)");
        var r8 = Pow2k(r, ArityBits);
        var u = Points(r, r8);

        var evals = new Fr[Arity * opened];
        var p0AtR8 = Fr.Zero;
        Parallel.For(0, opened + 1, i =>
        {
            if (i == opened) p0AtR8 = Kzg.Evaluate(polys[0], r8);
            else Kzg.Horner8(polys[i], r8, evals.AsSpan(Arity * i, Arity)); // the strided parts G_b(r^8), b < 8
        });
        AbsorbEvaluations(transcript, evals, p0AtR8);
        var q = transcript.ChallengeScalar(Labels.Q);
        // One polynomial B = Σ q^i·P_i (the opened levels) at nine points with two witnesses (BDFG20 §4).
        var b = Kzg.Combine(polys[..opened], q);
        var (h, w) = Kzg.OpenMultiQuotient(srs, b, u);
        transcript.AppendG1(Labels.W, w);
        // Hiding: s_B = Σ q^i·s_i, the blinding of Σ q^i·C_i, so that the verifier can take s_B·H off it.
        var sB = Fr.Zero;
        if (hiding != null)
        {
            for (int i = opened - 1; i >= 0; i--) sB = sB * q + blindings[i];
            transcript.AppendScalar(Labels.BlindingSum, sB);
        }
        var zeta = transcript.ChallengeScalar(Labels.Zeta);
        var w2 = Kzg.OpenMultiLinearized(srs, b, h, u, zeta);
        transcript.AppendG1(Labels.W2, w2);
        Fr.Inverse(Pow2k(r8, ArityBits) - r8, out var hint);
        Array.Clear(blindings);
        if (hiding != null)
        {
            // The levels, B and its quotient are functions of the secret vector: cleared before they are dropped.
            foreach (var p in polys) Array.Clear(p);
            Array.Clear(b);
            Array.Clear(h);
        }
        return (new HyperKzgProof(folds, evals, p0AtR8, [w, w2], last, hint), sB);
    }

    // ------------------------------------------------------------------ hiding (zero-knowledge mode)

    /// <summary>
    /// A hiding commitment C = Σ v_i·τ^i·G + s·H with s uniform from the OS CSPRNG and H = <see cref="Srs.BlindingBase"/>
    /// (docs/protocol.md "HyperKZG", ZK mode): perfectly hiding (H ≠ O); binding as long as nobody knows a relation
    /// p(τ) = c·α (docs/zk-design.md A2, <see cref="SrsProvenance"/>). Keep the blinding secret: it opens C.
    /// </summary>
    /// <exception cref="ArgumentException">The SRS is too small or has no blinding base.</exception>
    public static HidingCommitment CommitHiding(Srs srs, ReadOnlySpan<Fr> evaluations) => CommitHiding(srs, evaluations, null);

    /// <summary>As <see cref="CommitHiding(Srs, ReadOnlySpan{Fr})"/> with the blinding drawn from <paramref name="rng"/> (tests inject a seeded one; null = OS CSPRNG).</summary>
    internal static HidingCommitment CommitHiding(Srs srs, ReadOnlySpan<Fr> evaluations, RandomNumberGenerator? rng)
    {
        var h = BlindingBaseOf(srs);
        using var secretScalars = Msm.SecretScalars();
        var c = Kzg.Commit(srs, evaluations);
        return Blind(c, h, ZkRandom.Scalar(rng));
    }

    /// <summary>The hiding commitment of small signed integers (each taken mod r), with the small-scalar MSM.</summary>
    /// <exception cref="ArgumentException">The SRS is too small or has no blinding base.</exception>
    public static HidingCommitment CommitSmallHiding(Srs srs, ReadOnlySpan<long> evaluations) => CommitSmallHiding(srs, evaluations, null);

    /// <summary>As <see cref="CommitSmallHiding(Srs, ReadOnlySpan{long})"/> with the blinding drawn from <paramref name="rng"/>.</summary>
    internal static HidingCommitment CommitSmallHiding(Srs srs, ReadOnlySpan<long> evaluations, RandomNumberGenerator? rng)
    {
        var h = BlindingBaseOf(srs);
        using var secretScalars = Msm.SecretScalars();
        var c = Kzg.CommitSmall(srs, evaluations);
        return Blind(c, h, ZkRandom.Scalar(rng));
    }

    /// <summary>
    /// The hiding commitment of a vector whose plain commitment <paramref name="unblinded"/> the caller computed another way: the
    /// same result, blinding drawn the same way, as <see cref="CommitHiding(Srs, ReadOnlySpan{Fr}, RandomNumberGenerator?)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The SRS has no blinding base.</exception>
    internal static HidingCommitment BlindFresh(Srs srs, in G1Affine unblinded, RandomNumberGenerator? rng)
        => Blind(unblinded, BlindingBaseOf(srs), ZkRandom.Scalar(rng));

    private static HidingCommitment Blind(in G1Affine c, in G1Affine h, in Fr s)
        => new((G1Jacobian.FromAffine(h).ScalarMul(s) + c).ToAffine(), s);

    private static G1Affine BlindingBaseOf(Srs srs)
    {
        ArgumentNullException.ThrowIfNull(srs);
        if (srs.BlindingBase is not { } h || h.IsInfinity)
            throw new ArgumentException($"the SRS has no blinding base H = alphaTauG1[0] ({srs}): hiding commitments need a .ptau with section 4 or a development SRS", nameof(srs));
        return h;
    }

    /// <summary>
    /// Proves ṽ(point) = value for the vector committed as the hiding commitment <paramref name="commitment"/> =
    /// [v(τ)]₁ + blinding·H (docs/protocol.md "HyperKZG", ZK mode): as <see cref="Prove(Srs, Transcript, in G1Affine, ReadOnlySpan{Fr}, ReadOnlySpan{Fr}, in Fr, FixedPart?)"/>
    /// with every fold commitment blinded by a fresh s_i·H and one more scalar, s_B = Σ q^i·s_i, absorbed after W
    /// (<c>hyperkzg/sb</c>). The last level P_(L−1) is still sent in the clear: a function of (v, point) alone,
    /// hidden only when v itself carries fresh randomness (the sparse mask of <see cref="HyperKzgMask"/>).
    /// </summary>
    /// <exception cref="ArgumentException">Length is not 2^ℓ, the SRS is too small or has no blinding base.</exception>
    public static HyperKzgHidingProof ProveHiding(Srs srs, Transcript transcript, in G1Affine commitment, in Fr blinding,
        ReadOnlySpan<Fr> evaluations, ReadOnlySpan<Fr> point, in Fr value, FixedPart? fixedPart = null)
        => ProveHiding(srs, transcript, commitment, blinding, evaluations, point, value, fixedPart, null);

    /// <summary>As the public overload with the fold blindings drawn from <paramref name="rng"/> (tests; null = OS CSPRNG).</summary>
    internal static HyperKzgHidingProof ProveHiding(Srs srs, Transcript transcript, in G1Affine commitment, in Fr blinding,
        ReadOnlySpan<Fr> evaluations, ReadOnlySpan<Fr> point, in Fr value, FixedPart? fixedPart, RandomNumberGenerator? rng)
        => ProveHiding(srs, transcript, commitment, blinding, evaluations, point, value, fixedPart, null, rng);

    /// <summary>
    /// As the overload above, where the vector contains the structured mask part <paramref name="maskPart"/>: its folds are
    /// committed through per-level mask points instead of densely (prover speed only: the proof is the same bytes).
    /// </summary>
    internal static HyperKzgHidingProof ProveHiding(Srs srs, Transcript transcript, in G1Affine commitment, in Fr blinding,
        ReadOnlySpan<Fr> evaluations, ReadOnlySpan<Fr> point, in Fr value, FixedPart? fixedPart, MaskFoldPart? maskPart, RandomNumberGenerator? rng)
    {
        var h = BlindingBaseOf(srs);
        using var secretScalars = Msm.SecretScalars();
        var (proof, sB) = ProveCore(srs, transcript, commitment, evaluations, point, value, fixedPart, new HidingInputs(h, blinding, rng), maskPart: maskPart);
        return new HyperKzgHidingProof(proof, sB);
    }

    /// <summary>
    /// Verifies a hiding HyperKZG proof that the vector committed (hiding, with base <paramref name="blindingBase"/>)
    /// as <paramref name="commitment"/> has ṽ(point) = value: today's checks with
    /// F = Σ q^i·C_i − I(ζ)·G − s_B·H − Z(ζ)·W + ζ·W′, s_B being the only prover scalar in F beyond the HyperKZG
    /// messages. Returns false (with a reason) on any failure; never throws on adversarial proofs.
    /// </summary>
    public static bool VerifyHiding(in KzgVerifierKey vk, in G1Affine blindingBase, Transcript transcript, in G1Affine commitment,
        ReadOnlySpan<Fr> point, in Fr value, HyperKzgHidingProof proof, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (blindingBase.IsInfinity || !blindingBase.IsOnCurve) { reason = "the blinding base H is not a point of the curve other than infinity"; return false; }
        return VerifyCore(vk, transcript, commitment, point, value, proof.Opening, blindingBase, proof.BlindingSum, out reason);
    }

    /// <summary>
    /// Levels whose polynomial is opened by KZG: P_0 … P_(L−2) when L ≥ 2 (the last one, of at most 8
    /// coefficients, is sent in the clear), P_0 alone when L = 1; 0 for ℓ = 0.
    /// </summary>
    public static int OpenedLevels(int numVars) { int levels = Levels(numVars); return levels >= 2 ? levels - 1 : levels; }

    /// <summary>Coefficients of the last level sent in the clear: 2^(ℓ − 3(L−1)) when L ≥ 2, else none.</summary>
    public static int LastLevelSize(int numVars) { int levels = Levels(numVars); return levels >= 2 ? 1 << (numVars - ArityBits * (levels - 1)) : 0; }

    private static Fr[] Padded(Fr[] p, int n)
    {
        var r = new Fr[n];
        p.AsSpan(0, Math.Min(n, p.Length)).CopyTo(r);
        return r;
    }

    /// <summary>
    /// Verifies a HyperKZG proof that the vector committed as <paramref name="commitment"/> has
    /// ṽ(point) = value, replaying the prover's transcript. Returns false (with a reason) on any
    /// failure; never throws on adversarial proofs.
    /// </summary>
    /// <remarks>
    /// Soundness: the value of P_(i+1) at r^8 used in the batched opening is the one level i's
    /// parts imply, and the last level must give the claimed value; the batched KZG check
    /// binds every claimed evaluation to the commitments (q-SDH, AGM); a cheating fold survives
    /// with probability ≤ O(2^ℓ/|F|) over r, q, ζ.
    /// </remarks>
    public static bool Verify(in KzgVerifierKey vk, Transcript transcript, in G1Affine commitment,
        ReadOnlySpan<Fr> point, in Fr value, HyperKzgProof proof, out string? reason)
        => VerifyCore(vk, transcript, commitment, point, value, proof, null, Fr.Zero, out reason);

    /// <summary>
    /// As <see cref="Verify(in KzgVerifierKey, Transcript, in G1Affine, ReadOnlySpan{Fr}, in Fr, HyperKzgProof, out string?)"/>;
    /// with <paramref name="bindClaim"/> false the commitment, point and value are not absorbed (see the prover's
    /// overload: only for a transcript that already determines them, e.g. the batched opening's; internal for that reason).
    /// </summary>
    internal static bool Verify(in KzgVerifierKey vk, Transcript transcript, in G1Affine commitment,
        ReadOnlySpan<Fr> point, in Fr value, HyperKzgProof proof, bool bindClaim, out string? reason)
        => VerifyCore(vk, transcript, commitment, point, value, proof, null, Fr.Zero, out reason, bindClaim);

    /// <summary>The verifier; with <paramref name="h"/> the hiding variant (s_B absorbed after W and taken off F).</summary>
    private static bool VerifyCore(in KzgVerifierKey vk, Transcript transcript, in G1Affine commitment,
        ReadOnlySpan<Fr> point, in Fr value, HyperKzgProof proof, G1Affine? h, Fr sB, out string? reason, bool bindClaim = true)
    {
        int l = point.Length;
        int levels = Levels(l), opened = OpenedLevels(l);
        if (!commitment.IsOnCurve) { reason = "commitment is not on the curve"; return false; }
        if (proof.FoldCommitments.Length != Math.Max(0, opened - 1) || proof.Evaluations.Length != Arity * opened ||
            proof.LastLevel.Length != LastLevelSize(l) || proof.Witnesses.Length != (l == 0 ? 0 : 2))
        { reason = $"proof shape does not match {l} variables"; return false; }
        foreach (var p in proof.FoldCommitments) if (!p.IsOnCurve) { reason = "fold commitment not on the curve"; return false; }
        foreach (var p in proof.Witnesses) if (!p.IsOnCurve) { reason = "witness not on the curve"; return false; }

        if (bindClaim) BindClaim(transcript, commitment, point, value);
        if (l == 0)
        {
            // A constant: the commitment must be value·G (+ s_B·H when hiding).
            var expectJ = G1Jacobian.Generator.ScalarMul(value);
            if (h is { } hb)
            {
                transcript.AppendScalar(Labels.BlindingSum, sB);
                expectJ += G1Jacobian.FromAffine(hb).ScalarMul(sB);
            }
            reason = expectJ.ToAffine() == commitment ? null : h is null ? "constant polynomial: commitment ≠ value·G" : "constant polynomial: commitment ≠ value·G + s_B·H";
            return reason == null;
        }

        transcript.AppendG1s(Labels.Folds, proof.FoldCommitments);
        if (proof.LastLevel.Length > 0) transcript.AppendScalars(Labels.Last, proof.LastLevel);
        var r = transcript.ChallengeScalar(Labels.R);
        if (!PointsAreDistinct(r)) { reason = "challenge r = 0 or r^56 = 1: the nine opening points are not distinct"; return false; }
        var r8 = Pow2k(r, ArityBits);
        // The hint (not absorbed: it is determined by r) saves the on-chain verifier an inversion.
        if (proof.InverseHint * (Pow2k(r8, ArityBits) - r8) != Fr.One) { reason = "the inverse hint is not (r^64 − r^8)⁻¹"; return false; }
        AbsorbEvaluations(transcript, proof.Evaluations, proof.EvalAtR8);
        var q = transcript.ChallengeScalar(Labels.Q);
        transcript.AppendG1(Labels.W, proof.Witnesses[0]);
        if (h != null) transcript.AppendScalar(Labels.BlindingSum, sB);
        var zeta = transcript.ChallengeScalar(Labels.Zeta);
        transcript.AppendG1(Labels.W2, proof.Witnesses[1]);

        // P_(i+1)(r^8) from level i's parts; the last level must give the claimed value. With L ≥ 2 the
        // last level P_(L−1) is known: level L−2's parts must give its value at r^8, and its own fold the value.
        var derived = new Fr[opened];
        derived[0] = proof.EvalAtR8;
        for (int i = 0; i < opened; i++)
        {
            var next = FoldedValue(proof.Evaluations.AsSpan(Arity * i, Arity), r, point, ArityBits * i, Math.Min(ArityBits, l - ArityBits * i));
            if (i + 1 < opened) derived[i + 1] = next;
            else if (levels == 1 && next != value) { reason = $"level {i}: the parts of P_{i} do not fold to the claimed value"; return false; }
            else if (levels >= 2 && next != Kzg.Evaluate(proof.LastLevel, r8)) { reason = $"level {i}: the parts of P_{i} do not fold to the last level at r^8"; return false; }
        }
        if (levels >= 2)
        {
            int s = l - ArityBits * (levels - 1);
            var eq = EqWeights(point, ArityBits * (levels - 1), s);
            var fold = Fr.Zero;
            for (int b = 0; b < 1 << s; b++) fold += eq[b] * proof.LastLevel[b];
            if (fold != value) { reason = "the last level does not fold to the claimed value"; return false; }
        }

        // C_B = Σ_i q^i·C_i and B(u_s) = Σ_i q^i·P_i(u_s), with P_i(ω^j·r) = Σ_b (ω^j·r)^b·G_(i,b).
        var u = Points(r, r8);
        // Hiding: [B(τ)]₁ = Σ q^i·C_i − s_B·H, i.e. H joins the MSM with the scalar −s_B.
        int terms = opened + (h is null ? 0 : 1);
        var coms = new G1Affine[terms];
        coms[0] = commitment;
        proof.FoldCommitments.CopyTo(coms, 1);
        var qs = new Fr[terms];
        qs[0] = Fr.One;
        for (int i = 1; i < opened; i++) qs[i] = qs[i - 1] * q;
        if (h is { } hBase) { coms[opened] = hBase; qs[opened] = -sB; }
        var bu = new Fr[Arity + 1];
        for (int i = opened - 1; i >= 0; i--)
        {
            for (int j = 0; j < Arity; j++)
            {
                var pij = Fr.Zero;
                for (int b = Arity - 1; b >= 0; b--) pij = pij * u[j] + proof.Evaluations[Arity * i + b];
                bu[j] = bu[j] * q + pij;
            }
            bu[Arity] = bu[Arity] * q + derived[i];
        }
        if (!Kzg.VerifyMulti(vk, coms, qs, u, bu, proof.Witnesses[0], proof.Witnesses[1], zeta))
        { reason = "KZG multi-point pairing check failed"; return false; }
        reason = null;
        return true;
    }

    /// <summary>
    /// The fold of one level at r^K (K = 2^s) from its eight parts G_b = P_(i,b)(r^8):
    /// Σ_(b&lt;K) eq(x_(firstBit…firstBit+s−1), b)·Σ_(t&lt;8/K) r^(tK)·G_(b+tK) (for s = 3 simply Σ_b eq(x, b)·G_b).
    /// </summary>
    internal static Fr FoldedValue(ReadOnlySpan<Fr> parts, in Fr r, ReadOnlySpan<Fr> point, int firstBit, int s)
    {
        int k = 1 << s;
        var rk = Pow2k(r, s);
        var eq = EqWeights(point, firstBit, s);
        var acc = Fr.Zero;
        for (int b = 0; b < k; b++)
        {
            var g = Fr.Zero;
            for (int t = Arity / k - 1; t >= 0; t--) g = g * rk + parts[b + t * k];
            acc += eq[b] * g;
        }
        return acc;
    }

    /// <summary>eq(x_(firstBit…firstBit+s−1), b) for b &lt; 2^s, bit t of b ↔ the coordinate of index bit firstBit + t.</summary>
    private static Fr[] EqWeights(ReadOnlySpan<Fr> point, int firstBit, int s)
    {
        var eq = new Fr[1 << s];
        eq[0] = Fr.One;
        for (int t = 0; t < s; t++)
        {
            var x = MleOrder.CoordinateOfBit(point, firstBit + t);
            int half = 1 << t;
            for (int b = 0; b < half; b++)
            {
                var hi = eq[b] * x;
                eq[b + half] = hi;
                eq[b] -= hi;
            }
        }
        return eq;
    }

    /// <summary>P_(i+1)[j] = Σ_(b&lt;2^s) eq(x_(firstBit…firstBit+s−1), b)·P_i[j·2^s + b] (entries past the end are 0).</summary>
    private static Fr[] Fold(Fr[] prev, ReadOnlySpan<Fr> point, int firstBit, int s)
    {
        int k = 1 << s;
        var eq = EqWeights(point, firstBit, s);
        var next = new Fr[(prev.Length + k - 1) / k];
        Polynomials.Parallelism.For(next.Length, (lo, hi) =>
        {
            for (int j = lo; j < hi; j++)
            {
                int at = j * k, end = Math.Min(k, prev.Length - at);
                var acc = Fr.Zero;
                for (int b = 0; b < end; b++) { Fr.Mul(prev[at + b], eq[b], out var m); Fr.Add(acc, m, out acc); }
                next[j] = acc;
            }
        });
        return next;
    }

    private static void SubtractInPlace(Fr[] dst, Fr[] src)
    {
        Polynomials.Parallelism.For(src.Length, (lo, hi) =>
        {
            for (int j = lo; j < hi; j++) Fr.Sub(dst[j], src[j], out dst[j]);
        });
    }

    /// <summary>The nine opening points ω^0·r … ω^7·r, r^8.</summary>
    internal static Fr[] Points(in Fr r, in Fr r8)
    {
        var u = new Fr[Arity + 1];
        for (int j = 0; j < Arity; j++) u[j] = OmegaPowers[j] * r;
        u[Arity] = r8;
        return u;
    }

    /// <summary>The nine points are distinct iff r ≠ 0 and r^8 ≠ ω^j·r for every j, i.e. (r^7)^8 ≠ 1.</summary>
    private static bool PointsAreDistinct(in Fr r)
    {
        if (r.IsZero) return false;
        var r8 = Pow2k(r, ArityBits);
        var r16 = r8 * r8;
        return r16 * r16 * r16 * r8 != Fr.One; // r^56
    }

    /// <summary>x^(2^k) by k squarings.</summary>
    private static Fr Pow2k(in Fr x, int k)
    {
        var y = x;
        for (int i = 0; i < k; i++) y *= y;
        return y;
    }

    /// <summary>Commitment, point and value go into the transcript before any challenge of the opening.</summary>
    private static void BindClaim(Transcript t, in G1Affine commitment, ReadOnlySpan<Fr> point, in Fr value)
    {
        t.AppendG1(Labels.Commitment, commitment);
        t.AppendScalars(Labels.Point, point);
        t.AppendScalar(Labels.Value, value);
    }

    private static void AbsorbEvaluations(Transcript t, Fr[] evals, in Fr p0AtR8)
    {
        var all = new Fr[evals.Length + 1];
        evals.CopyTo(all, 0);
        all[^1] = p0AtR8;
        t.AppendScalars(Labels.V, all);
    }

    /// <summary>Transcript labels of the HyperKZG sub-protocol.</summary>
    internal static class Labels
    {
        public const string Commitment = "hyperkzg/C";
        public const string Point = "hyperkzg/x";
        public const string Value = "hyperkzg/y";
        public const string Folds = "hyperkzg/folds";
        public const string Last = "hyperkzg/last";
        public const string R = "hyperkzg/r";
        public const string V = "hyperkzg/v";
        public const string Q = "hyperkzg/q";
        public const string W = "hyperkzg/w";
        public const string Zeta = "hyperkzg/z";
        public const string W2 = "hyperkzg/w2";
        public const string BlindingSum = "hyperkzg/sb";
    }
}

/// <summary>
/// Precomputed commitments for the first fold levels of a fixed vector v (docs/protocol.md "HyperKZG",
/// prover side only): level i holds, for b &lt; 8^i, the commitment of v's b-th stride-8^i part
/// (entries v[8^i·j + b]). A fold commitment of v at level i is then Σ_b eq(x_(bits 0…3i−1), b)·D_b.
/// </summary>
public sealed class FoldBases
{
    /// <summary>Levels[i − 1] = the 8^i points of level i.</summary>
    public G1Affine[][] Levels { get; }

    /// <summary>Wraps precomputed levels (see <see cref="Compute"/>).</summary>
    public FoldBases(G1Affine[][] levels) { Levels = levels; }

    /// <summary>Commits v's stride-8^i parts for i = 1 … <paramref name="levels"/> (small-scalar MSMs).</summary>
    public static FoldBases Compute(Srs srs, ReadOnlySpan<long> vector, int levels)
    {
        var v = vector.ToArray();
        var result = new G1Affine[levels][];
        for (int i = 1; i <= levels; i++)
        {
            int stride = 1 << (HyperKzg.ArityBits * i);
            var level = new G1Affine[stride];
            Parallel.For(0, stride, b =>
            {
                var part = new long[(v.Length - b + stride - 1) / stride];
                for (int j = 0; j < part.Length; j++) part[j] = v[j * stride + b];
                level[b] = Kzg.CommitSmall(srs, part);
            });
            result[i - 1] = level;
        }
        return new FoldBases(result);
    }

    /// <summary>u32 level count, then the points (x ‖ y, 32-byte little-endian Montgomery limbs each) level by level.</summary>
    public byte[] ToBytes()
    {
        int count = Levels.Sum(l => l.Length);
        var buf = new byte[4 + 64L * count];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(buf, (uint)Levels.Length);
        int o = 4;
        foreach (var level in Levels)
        {
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(level.AsSpan()).CopyTo(buf.AsSpan(o));
            o += 64 * level.Length;
        }
        return buf;
    }

    /// <summary>Reads <see cref="ToBytes"/> output (the container carries a digest); checks the shape and that every point is on the curve.</summary>
    /// <exception cref="FormatException">Wrong length or a point off the curve.</exception>
    public static FoldBases FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 4) throw new FormatException("fold bases: truncated");
        int levels = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        if (levels < 0 || levels > 4) throw new FormatException($"fold bases: {levels} levels (expected 0 … 4)");
        long want = 4;
        for (int i = 1; i <= levels; i++) want += 64L << (HyperKzg.ArityBits * i);
        if (bytes.Length != want) throw new FormatException($"fold bases: {bytes.Length} bytes, expected {want}");
        var result = new G1Affine[levels][];
        int o = 4;
        for (int i = 1; i <= levels; i++)
        {
            var level = new G1Affine[1 << (HyperKzg.ArityBits * i)];
            bytes.Slice(o, 64 * level.Length).CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(level.AsSpan()));
            foreach (var p in level) if (!p.IsOnCurve) throw new FormatException("fold bases: a point is not on the curve");
            o += 64 * level.Length;
            result[i - 1] = level;
        }
        return new FoldBases(result);
    }
}

/// <summary>
/// A fixed vector inside a vector being opened: the vector contains Coefficient·Vector (zero-padded), where
/// Vector = Σ_j Weights[j]·part_j and Parts[j] are the precomputed fold commitments of part_j (all of one shape).
/// </summary>
/// <param name="Coefficient">Its coefficient in the opened vector.</param>
/// <param name="Vector">The fixed vector Σ_j Weights[j]·part_j (not modified).</param>
/// <param name="Parts">The parts' precomputed fold commitments.</param>
/// <param name="Weights">The parts' weights.</param>
public sealed record FixedPart(Fr Coefficient, Fr[] Vector, IReadOnlyList<FoldBases> Parts, IReadOnlyList<Fr> Weights)
{
    /// <summary>One fixed vector with its fold commitments (weight 1).</summary>
    public FixedPart(Fr coefficient, Fr[] vector, FoldBases bases) : this(coefficient, vector, [bases], [Fr.One]) { }
}

/// <summary>
/// The structured mask inside an opened vector of ℓ variables (prover speed only; docs/protocol.md "Batched openings" →
/// "ZK mode", per-level mask points): the vector contains A(x) = Affine[0] + Σ_b Affine[b + 1]·x_b (x_b = index bit b) plus
/// the top-block function Top[i >> (ℓ − log₂ K)] (K = |Top| = <see cref="HyperKzg.LastLevelSize"/>(ℓ)). Its fold at level
/// i (index bits 0 … 3i − 1 bound to the point's coordinates c_b) is again of this shape over n = ℓ − 3i variables —
/// constant Affine[0] + Σ_(b&lt;3i) Affine[b + 1]·c_b, slopes Affine[3i + 1 …], the same Top (the top bits are not folded
/// before the last level, and Σ_b eq(c, b) = 1) — so its commitment is one MSM of the n + 1 + K mask points for n variables
/// ([S_∅, S_0 … S_(n−1), U_0 … U_(K−1)], <see cref="Openings.ZkOpeningSetup.MaskPoints(Srs, int)"/>) instead of a dense MSM over 2^n
/// full scalars. The coefficients are secret (a class, no printing members).
/// </summary>
internal sealed class MaskFoldPart
{
    private readonly Fr[] _affine;
    private readonly Fr[] _top;
    private readonly Func<int, IReadOnlyList<G1Affine>> _points;

    /// <param name="affine">[a, δ_0 … δ_(ℓ−1)] (taken, cleared by <see cref="Clear"/>).</param>
    /// <param name="top">K top-block values (taken, cleared by <see cref="Clear"/>).</param>
    /// <param name="points">The n + 1 + K mask points for n variables.</param>
    public MaskFoldPart(Fr[] affine, Fr[] top, Func<int, IReadOnlyList<G1Affine>> points)
    {
        _affine = affine ?? throw new ArgumentNullException(nameof(affine));
        _top = top ?? throw new ArgumentNullException(nameof(top));
        _points = points ?? throw new ArgumentNullException(nameof(points));
    }

    /// <summary>ℓ.</summary>
    public int NumVars => _affine.Length - 1;

    /// <summary>
    /// The dense table of the fold at <paramref name="level"/> (2^(ℓ − 3·level) entries, for the rest's subtraction) and
    /// its commitment (an MSM of ℓ − 3·level + 1 + K points).
    /// </summary>
    /// <exception cref="ArgumentException">The point does not have ℓ coordinates, K ≠ LastLevelSize(ℓ), or the points for the level's size have the wrong count.</exception>
    public (Fr[] Table, G1Jacobian Commitment) Level(ReadOnlySpan<Fr> point, int numVars, int level)
    {
        if (numVars != NumVars || point.Length != numVars) throw new ArgumentException($"the mask fold part is over {NumVars} variables; the opening has {numVars} (point of {point.Length})", nameof(numVars));
        int k = _top.Length;
        if (k != HyperKzg.LastLevelSize(numVars)) throw new ArgumentException($"{k} top-block values; {numVars} variables have a last level of {HyperKzg.LastLevelSize(numVars)}", nameof(numVars));
        int folded = HyperKzg.ArityBits * level, n = numVars - folded;
        var a = new Fr[n + 1];
        a[0] = _affine[0];
        for (int b = 0; b < folded; b++) a[0] += _affine[b + 1] * MleOrder.CoordinateOfBit(point, b);
        Array.Copy(_affine, folded + 1, a, 1, n);
        var table = Openings.ZkOpeningMask.AffineTable(a, n);
        int shift = n - System.Numerics.BitOperations.Log2((uint)Math.Max(1, k));
        if (k > 0) for (int i = 0; i < table.Length; i++) table[i] += _top[i >> shift];
        var pts = _points(n);
        if (pts is null || pts.Count != n + 1 + k)
            throw new ArgumentException($"{pts?.Count ?? 0} mask points for {n} variables (fold level {level}); expected {n + 1 + k} (ZkOpeningSetup.MaskPoints)", nameof(level));
        var scalars = new Fr[n + 1 + k];
        a.CopyTo(scalars, 0);
        _top.CopyTo(scalars, n + 1);
        var commitment = G1Msm.Compute([.. pts], scalars);
        Array.Clear(a);
        Array.Clear(scalars);
        return (table, commitment);
    }

    /// <summary>Zeroes the coefficients (secret) once the opening is done.</summary>
    public void Clear()
    {
        Array.Clear(_affine);
        Array.Clear(_top);
    }
}

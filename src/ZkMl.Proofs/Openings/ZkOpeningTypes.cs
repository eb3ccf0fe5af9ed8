using System.Security.Cryptography;
using ZkMl.Algebra;
using ZkMl.Proofs.Commitments;
using ZkMl.Proofs.Polynomials;
using ZkMl.Proofs.Sumcheck;
using ZkMl.Proofs.Transcripts;

namespace ZkMl.Proofs.Openings;

/// <summary>
/// The weight w of one term of a zero-knowledge opening claim Σ_x w(x)·P(x) (docs/protocol.md "Batched openings" →
/// "ZK mode (in progress)"): the prover needs its table (2^NumVars entries), the verifier only its multilinear
/// extension at the final point. <see cref="Eq"/> is an evaluation claim P(z); <see cref="Libra"/> the weighted claim
/// g(point) = v_g on a committed Libra mask table; <see cref="InBlock"/> places a weight on an aligned block of a larger
/// vector (an item at an offset).
/// </summary>
public abstract class OpeningWeight
{
    private protected OpeningWeight() { }

    /// <summary>Variables of the vector the weight applies to (its table has 2^NumVars entries).</summary>
    public abstract int NumVars { get; }

    /// <summary>The table (prover side).</summary>
    public Fr[] Table()
    {
        var t = new Fr[1 << NumVars];
        AddTo(t, 0, Fr.One);
        return t;
    }

    /// <summary>table[offset + i] += scale·w(i) for i &lt; 2^NumVars.</summary>
    internal void AddTo(Fr[] table, int offset, in Fr scale) => AddTo(table, offset, scale, int.MaxValue);

    /// <summary>
    /// table[offset + i] += scale·w(i) for i &lt; 2^NumVars and offset + i &lt; <paramref name="end"/>: the entries from end on
    /// are left as they are (the ZK opening's prover never reads a weight table past its live prefix).
    /// </summary>
    internal abstract void AddTo(Fr[] table, int offset, in Fr scale, int end);

    /// <summary>The multilinear extension w̃ at <paramref name="point"/> (project order, NumVars coordinates).</summary>
    public abstract Fr Evaluate(ReadOnlySpan<Fr> point);

    /// <summary>Absorbs what defines the weight (for openings that bind their statement themselves).</summary>
    internal abstract void Absorb(Transcript t);

    /// <summary>
    /// The weight on one half of the vector split at its top index bit (docs/protocol.md "ZK mode: split opening vectors"): the
    /// entries whose bit NumVars − 1 is <paramref name="bit"/>, re-based at 0 — w restricted to x_top = bit, as a factor and a
    /// weight over NumVars − 1 variables (its MLE at r′ is w̃(bit, r′) / factor). A null weight: the half carries no weight.
    /// </summary>
    /// <exception cref="ArgumentException">A weight over no variable, or a bit other than 0 or 1.</exception>
    public (Fr Factor, OpeningWeight? Weight) Half(int bit)
    {
        if (NumVars < 1) throw new ArgumentException("a weight over no variable has no halves", nameof(bit));
        if (bit is not (0 or 1)) throw new ArgumentException($"bit {bit}: a half is 0 (low) or 1 (high)", nameof(bit));
        return HalfCore(bit);
    }

    /// <summary>The restriction to x_top = bit (the generic form: w̃(bit, ·) through the whole table; the kinds override it).</summary>
    private protected virtual (Fr Factor, OpeningWeight? Weight) HalfCore(int bit) => (Fr.One, new HalfWeight(this, bit));

    /// <summary>eq(z, ·): the claim is the MLE's value at z.</summary>
    public static OpeningWeight Eq(Fr[] z) => new EqWeight(z);

    /// <summary>The evaluation weights of a Libra mask table at <paramref name="maskPoint"/> (<see cref="LibraMask.EvaluationWeights"/>): ⟨table, u⟩ = g(maskPoint).</summary>
    public static OpeningWeight Libra(Fr[] maskPoint) => new LibraWeight(maskPoint);

    /// <summary><paramref name="inner"/> on block <paramref name="block"/> (entries [block·2^m, (block+1)·2^m), m = inner.NumVars) of a vector of <paramref name="numVars"/> variables; zero elsewhere.</summary>
    /// <exception cref="ArgumentException">The block does not fit.</exception>
    public static OpeningWeight InBlock(int numVars, long block, OpeningWeight inner) => new BlockWeight(numVars, block, inner);

    private sealed class EqWeight : OpeningWeight
    {
        private readonly Fr[] _z;
        public EqWeight(Fr[] z)
        {
            ArgumentNullException.ThrowIfNull(z);
            if (z.Length > 30) throw new ArgumentException($"point of {z.Length} coordinates (at most 30)", nameof(z));
            _z = (Fr[])z.Clone();
        }
        public override int NumVars => _z.Length;
        internal override void AddTo(Fr[] table, int offset, in Fr scale, int end)
        {
            // Leading 0/1 coordinates select a block: only that block is written.
            int lead = 0;
            long block = 0;
            while (lead < _z.Length && (_z[lead].IsZero || _z[lead].IsOne)) { block = 2 * block + (_z[lead].IsOne ? 1 : 0); lead++; }
            int start = offset + (int)(block << (_z.Length - lead));
            Polynomials.Eq.AddTable(_z.AsSpan(lead), scale, table, start, (int)Math.Clamp((long)end - start, 0, 1L << (_z.Length - lead)));
        }
        public override Fr Evaluate(ReadOnlySpan<Fr> point) => Polynomials.Eq.Evaluate(_z, point);
        // eq(z, (bit, x′)) = (bit ? z_0 : 1 − z_0)·eq(z′, x′)
        private protected override (Fr Factor, OpeningWeight? Weight) HalfCore(int bit) => (bit == 1 ? _z[0] : Fr.One - _z[0], new EqWeight(_z[1..]));
        internal override void Absorb(Transcript t)
        {
            t.AppendUInt64(ZkBatchOpening.Labels.WeightKind, 0);
            t.AppendScalars(ZkBatchOpening.Labels.WeightData, _z);
        }
    }

    private sealed class LibraWeight : OpeningWeight
    {
        private readonly Fr[] _p;
        private readonly int _vars;
        public LibraWeight(Fr[] maskPoint)
        {
            ArgumentNullException.ThrowIfNull(maskPoint);
            _vars = System.Numerics.BitOperations.Log2((uint)LibraMask.TableLength(maskPoint.Length));
            _p = (Fr[])maskPoint.Clone();
        }
        public override int NumVars => _vars;
        internal override void AddTo(Fr[] table, int offset, in Fr scale, int end)
        {
            var u = LibraMask.EvaluationWeights(_p);
            int count = (int)Math.Clamp((long)end - offset, 0, u.Length);
            for (int j = 0; j < count; j++) table[offset + j] += scale * u[j];
        }
        public override Fr Evaluate(ReadOnlySpan<Fr> point) => LibraMask.WeightMle(_p, point);
        internal override void Absorb(Transcript t)
        {
            t.AppendUInt64(ZkBatchOpening.Labels.WeightKind, 1);
            t.AppendScalars(ZkBatchOpening.Labels.WeightData, _p);
        }
    }

    private sealed class BlockWeight : OpeningWeight
    {
        private readonly int _vars;
        private readonly long _block;
        private readonly OpeningWeight _inner;
        public BlockWeight(int numVars, long block, OpeningWeight inner)
        {
            ArgumentNullException.ThrowIfNull(inner);
            if (numVars > 30 || inner.NumVars > numVars || block < 0 || block >= 1L << (numVars - inner.NumVars))
                throw new ArgumentException($"block {block} of 2^{inner.NumVars} entries does not fit a vector of 2^{numVars}", nameof(block));
            (_vars, _block, _inner) = (numVars, block, inner);
        }
        public override int NumVars => _vars;
        internal override void AddTo(Fr[] table, int offset, in Fr scale, int end)
        {
            int m = _inner.NumVars;
            _inner.AddTo(table, offset + (int)(_block << m), scale, end);
        }
        public override Fr Evaluate(ReadOnlySpan<Fr> point)
        {
            int top = _vars - _inner.NumVars;
            // eq(point_top, bits of block): coordinate t multiplies bit top−1−t of the block index.
            var e = Fr.One;
            for (int t = 0; t < top; t++) e *= ((_block >> (top - 1 - t)) & 1) == 1 ? point[t] : Fr.One - point[t];
            return e * _inner.Evaluate(point[top..]);
        }
        // A block inside one half: that half with the block index's top bit dropped (the block itself once it is the half);
        // a block of the whole vector: the inner weight's half.
        private protected override (Fr Factor, OpeningWeight? Weight) HalfCore(int bit)
        {
            int top = _vars - _inner.NumVars;
            if (top == 0) return _inner.Half(bit);
            if ((int)((_block >> (top - 1)) & 1) != bit) return (Fr.One, null);
            long rest = _block & ((1L << (top - 1)) - 1);
            return (Fr.One, top == 1 ? _inner : new BlockWeight(_vars - 1, rest, _inner));
        }
        internal override void Absorb(Transcript t)
        {
            t.AppendUInt64(ZkBatchOpening.Labels.WeightKind, 2);
            t.AppendUInt64(ZkBatchOpening.Labels.WeightData, (ulong)_vars);
            t.AppendUInt64(ZkBatchOpening.Labels.WeightData, (ulong)_block);
            _inner.Absorb(t);
        }
    }
}

/// <summary>
/// w restricted to x_top = bit (<see cref="OpeningWeight.Half"/>'s generic form, for kinds without a closed restriction): its
/// table is the half of w's table, its MLE w̃(bit, ·). Absorbed (an opening that binds its statement) as kind 3, the bit and w.
/// </summary>
internal sealed class HalfWeight : OpeningWeight
{
    private readonly OpeningWeight _whole;
    private readonly int _bit;

    public HalfWeight(OpeningWeight whole, int bit) { _whole = whole; _bit = bit; }

    public override int NumVars => _whole.NumVars - 1;

    internal override void AddTo(Fr[] table, int offset, in Fr scale, int end)
    {
        var full = _whole.Table();
        int half = full.Length / 2;
        int count = (int)Math.Clamp((long)end - offset, 0, half);
        for (int j = 0; j < count; j++) table[offset + j] += scale * full[_bit * half + j];
    }

    public override Fr Evaluate(ReadOnlySpan<Fr> point)
    {
        var p = new Fr[point.Length + 1];
        p[0] = _bit == 1 ? Fr.One : Fr.Zero;
        point.CopyTo(p.AsSpan(1));
        return _whole.Evaluate(p);
    }

    internal override void Absorb(Transcript t)
    {
        t.AppendUInt64(ZkBatchOpening.Labels.WeightKind, 3);
        t.AppendUInt64(ZkBatchOpening.Labels.WeightData, (ulong)_bit);
        _whole.Absorb(t);
    }
}

/// <summary>
/// Splits vectors of a zero-knowledge opening at their top index bit (docs/protocol.md "ZK mode: split opening vectors"): vector
/// V of n variables committed as two vectors of n − 1, V_lo (entries below 2^{n−1}) then V_hi (the rest, re-based at 0). A
/// term κ·⟨w, V⟩ becomes κ·f_0·⟨w_0, V_lo⟩ + κ·f_1·⟨w_1, V_hi⟩ with (f_b, w_b) = <see cref="OpeningWeight.Half"/>(b), so
/// Σ_x w(x)·V(x) is unchanged; a half without weight, or with factor 0, gets no term. Prover and verifier apply the same function to the same
/// claims, so the split adds no value to a proof.
/// </summary>
public static class ZkOpeningSplit
{
    /// <summary>
    /// The index in the split list of logical vector g's (low) half: vectors keep their order, a split vector takes two places
    /// (low, high).
    /// </summary>
    public static int[] Positions(IReadOnlyList<bool> split)
    {
        ArgumentNullException.ThrowIfNull(split);
        var pos = new int[split.Count];
        for (int g = 0, p = 0; g < split.Count; g++) { pos[g] = p; p += split[g] ? 2 : 1; }
        return pos;
    }

    /// <summary>The claims on the split vector list (<see cref="Positions"/>).</summary>
    /// <exception cref="ArgumentException">A term's vector is not in <paramref name="split"/>.</exception>
    public static List<ZkOpeningClaim> Claims(IReadOnlyList<ZkOpeningClaim> claims, IReadOnlyList<bool> split)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var pos = Positions(split);
        var r = new List<ZkOpeningClaim>(claims.Count);
        foreach (var c in claims)
        {
            var terms = new List<ZkClaimTerm>(c.Terms.Count + 2);
            foreach (var t in c.Terms)
            {
                if (t.Vector < 0 || t.Vector >= split.Count) throw new ArgumentException($"a term on vector {t.Vector}; the split list has {split.Count} vectors", nameof(claims));
                if (!split[t.Vector]) { terms.Add(t with { Vector = pos[t.Vector] }); continue; }
                for (int bit = 0; bit < 2; bit++)
                {
                    // (a zero factor — an item's eq point with its top coordinate Boolean — adds nothing: no term, as a block in the other half)
                    var (f, w) = t.Weight.Half(bit);
                    if (w is not null && !f.IsZero) terms.Add(new ZkClaimTerm(pos[t.Vector] + bit, t.Coefficient * f, w));
                }
            }
            r.Add(new ZkOpeningClaim(terms, c.Value));
        }
        return r;
    }
}

/// <summary>One term κ·Σ_x w(x)·P_g(x) of a claim: vector (by its index in the opening's vector list, i.e. its role), coefficient, weight.</summary>
/// <param name="Vector">Index of the vector in the opening's list.</param>
/// <param name="Coefficient">κ_t.</param>
/// <param name="Weight">w_t (over the vector's own variables).</param>
public sealed record ZkClaimTerm(int Vector, Fr Coefficient, OpeningWeight Weight);

/// <summary>
/// A combined claim Σ_t κ_t·Σ_x w_t(x)·P_(g(t))(x) = Value (docs/zk-design.md §5.6.1): a plain evaluation claim has one
/// term with weight eq(z, ·); a masked value P̃(z) + V·μ̃(y) = v two terms on two vectors; a model claim one term per part.
/// </summary>
/// <param name="Terms">The terms (at least one).</param>
/// <param name="Value">The claimed value.</param>
public sealed record ZkOpeningClaim(IReadOnlyList<ZkClaimTerm> Terms, Fr Value)
{
    /// <summary>P_vector(z) = value.</summary>
    public static ZkOpeningClaim At(int vector, Fr[] z, Fr value) => new([new ZkClaimTerm(vector, Fr.One, OpeningWeight.Eq(z))], value);

    /// <summary>
    /// A claim P(z) = value on a vector stored as 2^k parts of equal size (vectors <paramref name="parts"/>[j] =
    /// entries [j·2^(n−k), (j+1)·2^(n−k)) of P): z = (z_top, z_rest) with |z_top| = k, and
    /// P(z) = Σ_j eq(z_top, j)·part_j(z_rest); parts whose coefficient is zero (z_top Boolean) get no term.
    /// </summary>
    /// <exception cref="ArgumentException">The part count is not a power of two or z is shorter than k.</exception>
    public static ZkOpeningClaim OnParts(IReadOnlyList<int> parts, Fr[] z, Fr value)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(z);
        int count = parts.Count;
        if (count < 1 || (count & (count - 1)) != 0) throw new ArgumentException($"{count} parts: not a power of two", nameof(parts));
        int k = System.Numerics.BitOperations.Log2((uint)count);
        if (z.Length < k) throw new ArgumentException($"point of {z.Length} coordinates on {count} parts", nameof(z));
        var weights = Polynomials.Eq.Table(z.AsSpan(0, k));
        var rest = z[k..];
        var terms = new List<ZkClaimTerm>();
        for (int j = 0; j < count; j++)
            if (!weights[j].IsZero) terms.Add(new ZkClaimTerm(parts[j], weights[j], OpeningWeight.Eq(rest)));
        return new ZkOpeningClaim(terms, value);
    }
}

/// <summary>A vector of the zero-knowledge opening, identified by its position in the list (its role), not by its commitment.</summary>
/// <param name="Role">A name for messages ("model part 0", "W1", …).</param>
/// <param name="Commitment">Its (hiding) commitment.</param>
/// <param name="NumVars">n_g: the vector has 2^n_g entries.</param>
public sealed record ZkOpeningVector(string Role, G1Affine Commitment, int NumVars);

/// <summary>
/// The prover's side of a vector: its entries, the blinding of its hiding commitment and, optionally, the precomputed
/// fold bases of a fixed vector (model parts, <see cref="FoldBases"/>). A class without a printing ToString: the
/// blinding opens the commitment.
/// </summary>
/// <param name="values">The entries (2^n).</param>
/// <param name="blinding">s with C = [v(τ)]₁ + s·H.</param>
/// <param name="folds">Precomputed fold bases of this vector (null: none).</param>
public sealed class ZkOpeningWitness(Fr[] values, Fr blinding, FoldBases? folds = null)
{
    /// <summary>
    /// A vector whose entries are <paramref name="length"/> consecutive entries of <paramref name="source"/> from
    /// <paramref name="offset"/> (a split vector's half, docs/protocol.md "ZK mode: split opening vectors"): read in place, never
    /// copied or written.
    /// </summary>
    /// <exception cref="ArgumentException">The range is not inside the source.</exception>
    public ZkOpeningWitness(Fr[] source, int offset, int length, Fr blinding) : this(source, blinding)
    {
        if (offset < 0 || length < 1 || (long)offset + length > source.Length)
            throw new ArgumentException($"entries [{offset}, {(long)offset + length}) of a source of {source.Length}", nameof(offset));
        (Offset, Length) = (offset, length);
    }

    /// <summary>The array holding the entries: <see cref="Length"/> of them from <see cref="Offset"/> (the whole array unless the witness is a view).</summary>
    public Fr[] Values { get; } = values ?? throw new ArgumentNullException(nameof(values));

    /// <summary>Where the entries start in <see cref="Values"/>.</summary>
    public int Offset { get; }

    /// <summary>The number of entries (2^n).</summary>
    public int Length { get; } = values?.Length ?? 0;

    /// <summary>The entries.</summary>
    internal ReadOnlySpan<Fr> Entries => Values.AsSpan(Offset, Length);

    /// <summary>The commitment's blinding.</summary>
    internal Fr Blinding { get; } = blinding;

    /// <summary>Precomputed fold bases (prover speed only).</summary>
    public FoldBases? Folds { get; } = folds;

    /// <summary>Shape only.</summary>
    public override string ToString() => $"ZkOpeningWitness {{ {Length} entries }}";
}

/// <summary>
/// The per-proof mask of the zero-knowledge batched opening (docs/zk-design.md §5.6.4, §5.7): D1 = A1 + R and D2 = A2
/// over N variables, with A(x) = a + Σ_(b&lt;N) δ_b·x_b affine (x_b = index bit b) and R the sparse HyperKZG mask
/// (<see cref="HyperKzgMask"/>), each committed with a fresh blinding. The sumcheck proves
/// Σ(… + ρ′·(D1 + eq(0, ·)·D2)). Sample one per proof (a second use throws) and absorb <see cref="Commitments"/> before
/// the first challenge the mask must answer (the inference proof absorbs them first of all).
/// </summary>
public sealed class ZkOpeningMask
{
    private bool _used;

    private readonly Func<int, IReadOnlyList<G1Affine>> _pointsFor;

    private ZkOpeningMask(int numVars, Fr[] a1, Fr[] a2, Fr[] top, SparseMask r, Fr s1, Fr s2, G1Affine c1, G1Affine c2,
        Func<int, IReadOnlyList<G1Affine>> pointsFor, long used)
    {
        NumVars = numVars; A1 = a1; A2 = a2; Top = top; R = r; BlindingD1 = s1; BlindingD2 = s2; CommitmentD1 = c1; CommitmentD2 = c2;
        _pointsFor = pointsFor;
        Used = used;
    }

    /// <summary>
    /// L*: the mask is confined to the indices below it (docs/protocol.md "ZK mode: the column-major private input", (4)):
    /// D1 = sel_L*·A1 + R*, D2 = sel_L*·(A2 + T), R* = R's positions below L*. 2^N for the unconfined mask.
    /// </summary>
    public long Used { get; }

    /// <summary>True when <see cref="Used"/> &lt; 2^N.</summary>
    public bool Confined => Used < 1L << NumVars;

    /// <summary>
    /// The mask points for n variables (n + 1 + K; N itself and the fold levels' n = N − 3i), as given to
    /// <see cref="Sample(Srs, Func{int, IReadOnlyList{G1Affine}}, int)"/>; the prover's HyperKZG commits the folds of the affine
    /// and top-block part with them.
    /// </summary>
    internal IReadOnlyList<G1Affine> PointsFor(int numVars) => _pointsFor(numVars);

    /// <summary>N: the variables of the batched sumcheck (the largest vector's).</summary>
    public int NumVars { get; }

    /// <summary>A1: [a, δ_0 … δ_(N−1)] (δ_b multiplies index bit b).</summary>
    internal Fr[] A1 { get; }

    /// <summary>A2, as <see cref="A1"/>.</summary>
    internal Fr[] A2 { get; }

    /// <summary>T: K uniform entries (K = the HyperKZG last level's size), D2 gains T[i >> (N − log₂K)] — a general function of the last level's index bits (the joint-rank test showed the affine D2 alone falls short by log₂K − 1 dimensions when K ≥ 4).</summary>
    internal Fr[] Top { get; }

    /// <summary>R (part of D1).</summary>
    internal SparseMask R { get; }

    internal Fr BlindingD1 { get; }
    internal Fr BlindingD2 { get; }

    /// <summary>C_D1 = Com(A1 + R; s_D1).</summary>
    public G1Affine CommitmentD1 { get; }

    /// <summary>C_D2 = Com(A2; s_D2).</summary>
    public G1Affine CommitmentD2 { get; }

    /// <summary>(C_D1, C_D2).</summary>
    public G1Affine[] Commitments => [CommitmentD1, CommitmentD2];

    /// <summary>
    /// A fresh mask for N variables (OS CSPRNG): A1, A2, R uniform, committed with fresh blindings through the affine
    /// points S of <see cref="ZkOpeningSetup.MaskPoints(Srs, int)"/> (N + 1 points) and a sparse MSM for R.
    /// </summary>
    /// <exception cref="ArgumentException">N &lt; 4 (the HyperKZG mask needs two levels), the points do not match N, or the SRS has no blinding base.</exception>
    /// <remarks>The fold levels' points (N − 3i variables) are computed from the SRS on first use (≈ 3·2^(N−3) additions); a
    /// prover with a table of them (a proving key) passes it with <see cref="Sample(Srs, Func{int, IReadOnlyList{G1Affine}}, int)"/>.</remarks>
    public static ZkOpeningMask Sample(Srs srs, IReadOnlyList<G1Affine> maskPoints, int numVars) => Sample(srs, maskPoints, numVars, null);

    /// <summary>
    /// As <see cref="Sample(Srs, IReadOnlyList{G1Affine}, int)"/> with the mask points of every size from
    /// <paramref name="pointsFor"/>(n) (n + 1 + K points for n variables: N for the commitments, N − 3i for the prover's fold
    /// levels; e.g. a proving key's table).
    /// </summary>
    public static ZkOpeningMask Sample(Srs srs, Func<int, IReadOnlyList<G1Affine>> pointsFor, int numVars) => Sample(srs, pointsFor, numVars, null);

    /// <summary>As <see cref="Sample(Srs, IReadOnlyList{G1Affine}, int)"/> with the randomness from <paramref name="rng"/> (tests; null = OS CSPRNG).</summary>
    internal static ZkOpeningMask Sample(Srs srs, IReadOnlyList<G1Affine> maskPoints, int numVars, RandomNumberGenerator? rng)
    {
        ArgumentNullException.ThrowIfNull(srs);
        ArgumentNullException.ThrowIfNull(maskPoints);
        var computed = new Dictionary<int, G1Affine[]>();
        IReadOnlyList<G1Affine> PointsFor(int n)
        {
            if (n == numVars) return maskPoints;
            lock (computed)
            {
                if (!computed.TryGetValue(n, out var pts)) computed[n] = pts = ZkOpeningSetup.MaskPoints(srs, n);
                return pts;
            }
        }
        return Sample(srs, PointsFor, numVars, rng);
    }

    /// <summary>
    /// A fresh mask confined to the indices below <paramref name="used"/> (L*; see <see cref="Used"/>), committed through
    /// <paramref name="confinedPoints"/> = <see cref="ZkOpeningSetup.MaskPoints(Srs, int, long)"/>(srs, N, L*). Its folds are
    /// committed densely by the prover (no per-level points). <paramref name="used"/> = 2^N is the unconfined mask.
    /// </summary>
    /// <exception cref="ArgumentException">As the unconfined overloads, or L* outside 1 … 2^N.</exception>
    public static ZkOpeningMask SampleConfined(Srs srs, IReadOnlyList<G1Affine> confinedPoints, int numVars, long used)
        => SampleConfined(srs, confinedPoints, numVars, used, null);

    /// <summary>
    /// The shortest prefix a confined mask may be confined to, 3·2^(N−2) + 1: the joint-rank condition holds exactly when L*
    /// exceeds 3·2^(N−2), for the confined mask and for any mask on a prefix (docs/protocol.md "ZK mode: the column-major
    /// private input", (4); ZkOpeningRankTests). A prover uses L* = max(its used prefix, this).
    /// </summary>
    public static long MinConfinedLength(int numVars) => (3L << (numVars - 2)) + 1;

    /// <summary>As above with the randomness from <paramref name="rng"/> (tests; null = OS CSPRNG).</summary>
    internal static ZkOpeningMask SampleConfined(Srs srs, IReadOnlyList<G1Affine> confinedPoints, int numVars, long used, RandomNumberGenerator? rng)
    {
        if (numVars < HyperKzgMask.MinVars || numVars > 30 || used < 1 || used > 1L << numVars)
            throw new ArgumentException($"a confined mask needs {HyperKzgMask.MinVars} … 30 variables and 1 ≤ L* ≤ 2^N (got N = {numVars}, L* = {used})", nameof(used));
        if (used < MinConfinedLength(numVars))
            throw new ArgumentException($"L* = {used} ≤ 3·2^(N−2) = {3L << (numVars - 2)} for N = {numVars}: a mask confined to it does not hide (docs/protocol.md \"ZK mode: the column-major private input\", (4)); use L* ≥ {MinConfinedLength(numVars)}", nameof(used));
        if (used == 1L << numVars) return Sample(srs, confinedPoints, numVars, rng);
        return Sample(srs, _ => throw new InvalidOperationException("a confined mask has no per-level fold points (its folds are committed densely)"), numVars, rng, used, confinedPoints);
    }

    /// <summary>As <see cref="Sample(Srs, Func{int, IReadOnlyList{G1Affine}}, int)"/> with the randomness from <paramref name="rng"/> (tests; null = OS CSPRNG).</summary>
    internal static ZkOpeningMask Sample(Srs srs, Func<int, IReadOnlyList<G1Affine>> pointsFor, int numVars, RandomNumberGenerator? rng)
        => Sample(srs, pointsFor, numVars, rng, -1, null);

    private static ZkOpeningMask Sample(Srs srs, Func<int, IReadOnlyList<G1Affine>> pointsFor, int numVars, RandomNumberGenerator? rng, long used, IReadOnlyList<G1Affine>? confinedPoints)
    {
        ArgumentNullException.ThrowIfNull(srs);
        ArgumentNullException.ThrowIfNull(pointsFor);
        var maskPoints = numVars >= HyperKzgMask.MinVars && numVars <= 30 ? confinedPoints ?? pointsFor(numVars) : [];
        ArgumentNullException.ThrowIfNull(maskPoints);
        if (numVars < HyperKzgMask.MinVars || numVars > 30)
            throw new ArgumentException($"the ZK batched opening needs {HyperKzgMask.MinVars} … 30 variables (got {numVars}): the sparse HyperKZG mask needs two folding levels", nameof(numVars));
        int want = ZkOpeningSetup.MaskPointCount(numVars), k = HyperKzg.LastLevelSize(numVars);
        if (maskPoints.Count != want)
            throw new ArgumentException($"{maskPoints.Count} mask points for {numVars} variables; expected {want} (ZkOpeningSetup.MaskPoints)", nameof(maskPoints));
        if (srs.BlindingBase is not { } h || h.IsInfinity)
            throw new ArgumentException($"the SRS has no blinding base H ({srs}): the ZK batched opening needs hiding commitments", nameof(srs));
        var a1 = new Fr[numVars + 1];
        var a2 = new Fr[numVars + 1];
        for (int i = 0; i <= numVars; i++) a1[i] = ZkRandom.Scalar(rng);
        for (int i = 0; i <= numVars; i++) a2[i] = ZkRandom.Scalar(rng);
        var top = new Fr[k];
        for (int i = 0; i < k; i++) top[i] = ZkRandom.Scalar(rng);
        var r = HyperKzgMask.Sample(numVars, rng);
        if (used < 0) used = 1L << numVars;
        if (used < 1L << numVars)
        {
            // R*: R's residue pattern confined below L* (HyperKzgMask.ConfinedPositions; the joint rank: ZkOpeningRankTests)
            var pos = HyperKzgMask.ConfinedPositions(numVars, used, HyperKzgMask.Copies(numVars));
            Array.Clear(r.Values);
            var values = new Fr[pos.Length];
            for (int i = 0; i < values.Length; i++) values[i] = ZkRandom.Scalar(rng);
            r = new SparseMask(numVars, pos, values);
        }
        var s1 = ZkRandom.Scalar(rng);
        var s2 = ZkRandom.Scalar(rng);
        var pts = maskPoints.ToArray();
        var hj = G1Jacobian.FromAffine(h);
        var c1 = G1Msm.Compute(pts.AsSpan(0, numVars + 1), a1) + G1Jacobian.FromAffine(r.Commit(srs)) + hj.ScalarMul(s1);
        var c2 = G1Msm.Compute(pts.AsSpan(0, numVars + 1), a2) + G1Msm.Compute(pts.AsSpan(numVars + 1, k), top) + hj.ScalarMul(s2);
        return new ZkOpeningMask(numVars, a1, a2, top, r, s1, s2, c1.ToAffine(), c2.ToAffine(), pointsFor, used);
    }

    /// <summary>The dense table of D1 = A1 + R (confined: sel_L*·A1 + R*).</summary>
    internal Fr[] D1Table()
    {
        var t = new Fr[1 << NumVars];
        FillD1(t, t.Length);
        return t;
    }

    /// <summary>
    /// The first <paramref name="count"/> entries of <see cref="D1Table"/> into <paramref name="dst"/> (the dense reference twin
    /// of the prover's sumcheck keeps only the live prefix, L* rounded up to even for a confined mask; entries from L* on are
    /// zeros), in parallel.
    /// </summary>
    /// <exception cref="ArgumentException">count is below L* or above 2^N, or dst is shorter.</exception>
    internal void FillD1(Fr[] dst, int count)
    {
        CheckFill(dst, count);
        FillAffine(A1, null, 0, dst, (int)Used, add: false);
        Array.Clear(dst, (int)Used, count - (int)Used);
        var pos = R.Positions;
        var val = R.Values;
        for (int j = 0; j < pos.Length; j++) dst[pos[j]] += val[j];
    }

    /// <summary>As <see cref="FillD1"/> for <see cref="D2Table"/>.</summary>
    internal void FillD2(Fr[] dst, int count)
    {
        CheckFill(dst, count);
        FillAffine(A2, Top, NumVars - System.Numerics.BitOperations.Log2((uint)Top.Length), dst, (int)Used, add: false);
        Array.Clear(dst, (int)Used, count - (int)Used);
    }

    private void CheckFill(Fr[] dst, int count)
    {
        ArgumentNullException.ThrowIfNull(dst);
        if (count < Used || count > 1L << NumVars || dst.Length < count)
            throw new ArgumentException($"{count} mask entries into {dst.Length}: the mask needs L* = {Used} … 2^{NumVars}", nameof(count));
    }

    /// <summary>
    /// dst[i] (+)= a + Σ_b δ_b·bit_b(i) (+ top[i >> shift] when top is given) for i &lt; count, in parallel with one addition per
    /// entry: i → i + 1 clears the t trailing ones of i and sets bit t, so the affine value gains inc[t] = δ_t − Σ_(b&lt;t) δ_b.
    /// Equal to <see cref="AffineTable"/> (plus the top blocks) entry by entry (OpeningKernelTests).
    /// </summary>
    private static void FillAffine(Fr[] a, Fr[]? top, int shift, Fr[] dst, int count, bool add)
    {
        int n = a.Length - 1;
        var inc = new Fr[n + 1];
        var low = Fr.Zero;
        for (int t = 0; t < n; t++) { inc[t] = a[t + 1] - low; low += a[t + 1]; }
        Polynomials.Parallelism.For(count, (lo, hi) =>
        {
            var v = a[0];
            for (int b = 0; b < n; b++) if ((lo >> b & 1) == 1) Fr.Add(v, a[b + 1], out v);
            for (int i = lo; i < hi; i++)
            {
                var x = v;
                if (top is not null) Fr.Add(x, top[i >> shift], out x);
                if (add) Fr.Add(dst[i], x, out dst[i]);
                else dst[i] = x;
                if (i + 1 < hi) Fr.Add(v, inc[System.Numerics.BitOperations.TrailingZeroCount(~i)], out v);
            }
        });
        Array.Clear(inc);
    }

    /// <summary>
    /// joint += m1·D1 + m2·D2 without a dense table: the affine m1·A1 + m2·A2 (one addition per entry), m2·T on the top
    /// bits, m1·R on its positions (equal to adding m1·<see cref="D1Table"/> and m2·<see cref="D2Table"/>; a confined mask adds
    /// its affine and T parts below L* only, and its R* positions are below L*).
    /// </summary>
    /// <exception cref="ArgumentException">joint does not have 2^NumVars entries.</exception>
    internal void AddScaledTo(Fr[] joint, in Fr m1, in Fr m2)
    {
        if (joint.Length != 1 << NumVars) throw new ArgumentException($"joint vector has {joint.Length} entries; the mask is over 2^{NumVars}", nameof(joint));
        var a = new Fr[NumVars + 1];
        for (int b = 0; b <= NumVars; b++) a[b] = m1 * A1[b] + m2 * A2[b];
        var s2 = m2;
        var top = Top.Select(x => s2 * x).ToArray();
        int shift = NumVars - System.Numerics.BitOperations.Log2((uint)Top.Length);
        FillAffine(a, top, shift, joint, (int)Used, add: true);
        var pos = R.Positions;
        var val = R.Values;
        for (int j = 0; j < pos.Length; j++) joint[pos[j]] += m1 * val[j];
        Array.Clear(top);
        Array.Clear(a);
    }

    /// <summary>The dense table of D2 = A2 + T(top bits) (confined: sel_L*·(A2 + T)).</summary>
    internal Fr[] D2Table()
    {
        var t = new Fr[1 << NumVars];
        FillD2(t, t.Length);
        return t;
    }

    /// <summary>σ_o = Σ_(x∈{0,1}^N) (D1(x) + eq(0, x)·D2(x)) = 2^N·a1 + 2^(N−1)·Σ_b δ1_b + Σ R + a2 + T[0].</summary>
    public Fr Sum()
    {
        if (Confined)
        {
            // Σ_(i<L*) A1[i] + Σ R* + D2[0] (L* ≥ 1, so D2[0] = a2 + T[0])
            var acc = Fr.FromInt64(Used) * A1[0] + A2[0] + Top[0];
            for (int b = 0; b < NumVars; b++) acc += CountWithBit(Used, b) * A1[b + 1];
            foreach (var v in R.Values) acc += v;
            return acc;
        }
        var s = FieldPowers.TwoTo(NumVars) * A1[0];
        var d = Fr.Zero;
        for (int b = 1; b <= NumVars; b++) d += A1[b];
        s += FieldPowers.TwoTo(NumVars - 1) * d;
        foreach (var v in R.Values) s += v;
        return s + A2[0] + Top[0];
    }

    /// <summary>#{i &lt; n : bit b of i = 1}, as a field element.</summary>
    private static Fr CountWithBit(long n, int b)
    {
        long period = 2L << b, full = n / period * (1L << b), rest = Math.Max(0, n % period - (1L << b));
        return Fr.FromInt64(full + rest);
    }

    /// <summary>The dense table of an affine mask [a, δ_0 … δ_(N−1)]: entry i = a + Σ_b δ_b·bit_b(i).</summary>
    internal static Fr[] AffineTable(Fr[] a, int numVars)
    {
        var t = new Fr[1 << numVars];
        t[0] = a[0];
        for (int b = 0; b < numVars; b++)
        {
            int half = 1 << b;
            for (int i = 0; i < half; i++) t[half + i] = t[i] + a[b + 1];
        }
        return t;
    }

    /// <summary>
    /// Zeroes the mask's secret values (A1, A2, T, R's entries; the blindings are values, dropped with the object) once its
    /// proof is made. The prover of the inference proof calls it after proving; the commitments stay.
    /// </summary>
    public void Clear()
    {
        Array.Clear(A1);
        Array.Clear(A2);
        Array.Clear(Top);
        Array.Clear(R.Values);
    }

    internal void MarkUsed()
    {
        if (_used) throw new InvalidOperationException("this ZK opening mask was already used for a proof: sample a fresh mask (ZkOpeningMask.Sample) for every proof");
        _used = true;
    }

    /// <summary>Shape and commitments only: the coefficients and blindings are secret.</summary>
    public override string ToString() => $"ZkOpeningMask {{ NumVars = {NumVars}, R entries = {R.Positions.Length}, C_D1 = {CommitmentD1}, C_D2 = {CommitmentD2} }}";
}

/// <summary>Setup-time data of the zero-knowledge batched opening.</summary>
public static class ZkOpeningSetup
{
    /// <summary>N + 1 + K: the mask points of a batched sumcheck of N variables (K = <see cref="HyperKzg.LastLevelSize"/>(N)).</summary>
    public static int MaskPointCount(int numVars) => numVars + 1 + HyperKzg.LastLevelSize(numVars);

    /// <summary>
    /// The N + 1 + K mask points for a batched sumcheck of N variables (docs/protocol.md "Batched openings" → "ZK mode"):
    /// [S_∅, S_0, …, S_(N−1), U_0, …, U_(K−1)] with S_∅ = [Σ_(i&lt;2^N) τ^i]₁, S_b = [Σ_(i&lt;2^N, bit b of i = 1) τ^i]₁ and
    /// U_u = [Σ_(i : i >> (N − log₂K) = u) τ^i]₁ (the K top blocks, K = the HyperKZG last level's size), so that the affine
    /// table A[i] = a + Σ_b δ_b·bit_b(i) has commitment a·S_∅ + Σ_b δ_b·S_b and the top-block table T[i >> (N − log₂K)]
    /// has Σ_u T_u·U_u. Computed from the SRS powers by block sums (≈ 2·2^N batched affine additions); a proving key stores them
    /// per batch size.
    /// </summary>
    /// <exception cref="ArgumentException">N outside 0 … 30 or the SRS is too small.</exception>
    public static G1Affine[] MaskPoints(Srs srs, int numVars) => MaskPoints(srs, numVars, 1L << Math.Clamp(numVars, 0, 30));

    /// <summary>
    /// The mask points of a mask confined to the indices below <paramref name="used"/> (L*, docs/protocol.md "ZK mode: the
    /// column-major private input", (4)): the same sums over the powers τ^i with i &lt; L* only (S_∅^L*, S_b^L*, U_u^L*).
    /// </summary>
    /// <exception cref="ArgumentException">N outside 0 … 30, L* outside 1 … 2^N, or the SRS is too small.</exception>
    public static G1Affine[] MaskPoints(Srs srs, int numVars, long used)
    {
        ArgumentNullException.ThrowIfNull(srs);
        if (used < 1 || numVars < 0 || numVars > 30 || used > 1L << numVars) throw new ArgumentException($"L* = {used} outside 1 … 2^{numVars}", nameof(used));
        if (numVars < 0 || numVars > 30) throw new ArgumentException($"number of variables {numVars} out of range 0 … 30", nameof(numVars));
        if (srs.G1Powers.Length < 1L << numVars) throw new ArgumentException($"2^{numVars} powers exceed the SRS ({srs})", nameof(srs));
        return MaskPoints(srs.G1Array, numVars, used);
    }

    /// <summary>
    /// Σ_(j &lt; count) level[2j + 1]: the first pair level reads the odd blocks straight from <paramref name="level"/> into
    /// <paramref name="odd"/> (⌈count/2⌉ slots), the rest runs there in place. prefixes[r] (r &lt; its length, 2^r ≤ count)
    /// gets the sum of the first 2^r odd blocks; the entries with 2^r &gt; count are left alone.
    /// </summary>
    internal static G1Jacobian SumOddBlocks(G1Affine[] level, int count, G1Affine[] odd, Span<G1Jacobian> prefixes)
    {
        if (count == 0) return G1Jacobian.Infinity;
        // Only r with 2^r ≤ count: for an odd count, odd[] entry 0's 2^r' prefix would otherwise stand for 2^(r'+1) > count blocks.
        prefixes = prefixes[..Math.Min(prefixes.Length, System.Numerics.BitOperations.Log2((uint)count) + 1)];
        if (prefixes.Length > 0) prefixes[0] = G1Jacobian.FromAffine(level[1]);
        int pairs = count / 2;
        G1PairSums.Compute(level, 1, 2, odd, 0, pairs);
        if ((count & 1) != 0) odd[pairs] = level[2 * count - 1];
        // odd[i] covers the odd blocks [2i, 2i + 2): its prefix of 2^r entries is the first 2^(r+1) odd blocks.
        return G1PairSums.Sum(odd, (count + 1) / 2, prefixes.Length > 1 ? prefixes[1..] : default);
    }

    /// <summary>
    /// <see cref="MaskPoints(Srs, int)"/>(srs, N) for every N = <paramref name="minVars"/> … <paramref name="maxVars"/> (entry
    /// N − minVars) from ONE block tree over 2^maxVars powers: for N variables the level-b blocks are the first 2^(N−b) blocks
    /// of that tree, so S_∅ is entry 0 of level N, the top blocks U_u are the first K entries of their level, and S_b sums the
    /// first 2^(N−b−1) odd blocks of level b, which the pairwise summation of those odd blocks holds in its entry 0 after
    /// N − b − 1 levels. ≈ 2·2^maxVars affine additions in all, against ≈ 4·2^maxVars for one call per N.
    /// </summary>
    /// <exception cref="ArgumentException">minVars outside 1 … maxVars, maxVars above 30, or the SRS is too small.</exception>
    public static G1Affine[][] MaskPointsUpTo(Srs srs, int minVars, int maxVars)
    {
        ArgumentNullException.ThrowIfNull(srs);
        if (minVars < 1 || minVars > maxVars || maxVars > 30) throw new ArgumentException($"numbers of variables {minVars} … {maxVars} outside 1 … 30", nameof(minVars));
        if (srs.G1Powers.Length < 1L << maxVars) throw new ArgumentException($"2^{maxVars} powers exceed the SRS ({srs})", nameof(srs));
        return MaskPointsUpTo(srs.G1Array, minVars, maxVars);
    }

    /// <summary><see cref="MaskPointsUpTo(Srs, int, int)"/> over the points <paramref name="powers"/> (arguments checked by the caller).</summary>
    internal static G1Affine[][] MaskPointsUpTo(G1Affine[] powers, int minVars, int maxVars)
    {
        var results = new G1Affine[maxVars - minVars + 1][];
        var sums = new G1Jacobian[results.Length][]; // sums[N − minVars][b] = S_b for N variables
        for (int n = minVars; n <= maxVars; n++)
        {
            results[n - minVars] = new G1Affine[MaskPointCount(n)];
            sums[n - minVars] = new G1Jacobian[n];
        }
        int m = 1 << maxVars;
        var level = powers;
        var tree = new G1Affine[m / 2];                     // levels 1, 2, … in place
        var odd = new G1Affine[Math.Max(1, m / 4)];
        var prefixes = new G1Jacobian[maxVars];
        for (int b = 0; b <= maxVars; b++)
        {
            for (int n = Math.Max(minVars, b); n <= maxVars; n++)
            {
                int topBlocks = HyperKzg.LastLevelSize(n), topLevel = n - System.Numerics.BitOperations.Log2((uint)Math.Max(1, topBlocks));
                if (b == topLevel) level.AsSpan(0, topBlocks).CopyTo(results[n - minVars].AsSpan(n + 1));
            }
            if (b >= minVars) results[b - minVars][0] = level[0];
            if (b == maxVars) break;
            int pairs = m / 2;
            SumOddBlocks(level, pairs, odd, prefixes);
            for (int n = Math.Max(minVars, b + 1); n <= maxVars; n++) sums[n - minVars][b] = prefixes[n - b - 1];
            G1PairSums.Compute(level, 0, 1, tree, 0, pairs);
            m = pairs;
            level = tree;
        }
        for (int n = minVars; n <= maxVars; n++) G1Jacobian.BatchToAffine(sums[n - minVars], results[n - minVars].AsSpan(1, n));
        return results;
    }

    /// <summary>
    /// <see cref="MaskPoints(Srs, int, long)"/> over the points <paramref name="powers"/>[0 … L*) (L* = <paramref name="used"/>;
    /// the points from L* on count as infinity; the arguments are checked by the caller). Each level of the block tree is one
    /// batch of affine pair additions (<see cref="G1PairSums"/>) over its live prefix only (⌈L*/2^b⌉ blocks at level b), and
    /// S_b^L* sums the level's odd blocks the same way: ≈ 2·L* affine additions in all.
    /// </summary>
    internal static G1Affine[] MaskPoints(G1Affine[] powers, int numVars, long used)
    {
        if (numVars == 0) return [powers[0]];
        int topBlocks = HyperKzg.LastLevelSize(numVars), topLevel = numVars - System.Numerics.BitOperations.Log2((uint)Math.Max(1, topBlocks));
        var result = new G1Affine[numVars + 1 + topBlocks]; // default: infinity (top blocks past L*)
        var sums = new G1Jacobian[numVars];
        int m = (int)used;                                  // live blocks of the current level; the others are infinity
        var level = powers;
        var tree = new G1Affine[(m + 1) / 2];               // levels 1, 2, … in place
        var odd = new G1Affine[Math.Max(1, (m / 2 + 1) / 2)];
        for (int b = 0; b < numVars; b++)
        {
            if (b == topLevel) level.AsSpan(0, Math.Min(topBlocks, m)).CopyTo(result.AsSpan(numVars + 1));
            int pairs = m / 2;
            sums[b] = SumOddBlocks(level, pairs, odd, default);
            G1PairSums.Compute(level, 0, 1, tree, 0, pairs);
            if ((m & 1) != 0) tree[pairs] = level[m - 1];
            m = (m + 1) / 2;
            level = tree;
        }
        result[0] = level[0];
        var affine = new G1Affine[numVars];
        G1Jacobian.BatchToAffine(sums, affine);
        affine.CopyTo(result, 1);
        return result;
    }
}

using System.Security.Cryptography;
using System.Text;
using ZkMl.Algebra;
using ZkMl.Proofs.Polynomials;

namespace ZkMl.Proofs.Sumcheck;

/// <summary>
/// Libra's masking polynomial g(x) = Σ_{k=1}^{n} g_k(x_k) for a zero-knowledge sumcheck (Xie et al., "Libra",
/// eprint 2019/317 §4; docs/zk-design.md §5.3): one independent uniform univariate g_k per round, of the round's
/// degree d_k. The masked sumcheck proves Σ(F + ρ′·g) with ρ′ drawn after the mask's commitment and its sum are
/// absorbed; at the end g(r) = Σ_k g_k(r_k) is a claim the caller discharges on the committed coefficients
/// (<see cref="ToTable"/>, <see cref="EvaluationWeights"/>).
/// The coefficients are prover secrets: they never appear in a proof, a log or an exception
/// (<see cref="ToString"/> prints only the degrees).
/// </summary>
public sealed record LibraMask
{
    /// <summary>Entries per round in <see cref="ToTable"/>: coefficient t of g_k sits at index k·8 + t.</summary>
    public const int RowWidth = 8;

    /// <summary>Wraps given coefficients (row k = [g_k's X^0, …, X^{d_k}]); tests and callers that sample
    /// their own masks use it.</summary>
    /// <exception cref="ArgumentException">No rows, a missing row, or a row of degree outside 1..<see cref="UniPoly.MaxDegree"/> − 1.</exception>
    public LibraMask(Fr[][] coefficients)
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        if (coefficients.Length == 0) throw new ArgumentException("a Libra mask needs at least one round", nameof(coefficients));
        for (int k = 0; k < coefficients.Length; k++)
        {
            var row = coefficients[k] ?? throw new ArgumentException($"Libra mask round {k} is missing", nameof(coefficients));
            if (row.Length < 2 || row.Length > UniPoly.MaxDegree)
                throw new ArgumentException($"Libra mask round {k} has {row.Length} coefficients, expected 2..{UniPoly.MaxDegree} (degree 1..{UniPoly.MaxDegree - 1})", nameof(coefficients));
        }
        Coefficients = coefficients;
    }

    private int _used;

    /// <summary>
    /// Marks the mask as used by a proof; a second use throws (review session 14 step 5, finding 3: two proofs with
    /// one mask reveal F's round polynomials, <c>MaskedSumcheckTests.AReusedMaskRevealsTheUnmaskedRound</c>). Best effort:
    /// a copy made with <c>new LibraMask(mask.Coefficients)</c> is not tracked; never do that outside tests.
    /// </summary>
    internal void MarkUsed()
    {
        if (Interlocked.Exchange(ref _used, 1) != 0)
            throw new SumcheckException("masked sumcheck: this Libra mask was already used by a proof; sample a fresh mask (LibraMask.Sample with a CSPRNG) for every proof");
    }

    /// <summary>Row k: the coefficients of g_k (X^0 first); row k has d_k + 1 entries.</summary>
    public Fr[][] Coefficients { get; }

    /// <summary>Number of rounds n (= the sumcheck's number of variables).</summary>
    public int NumVars => Coefficients.Length;

    /// <summary>The degree profile d_1 … d_n (the round messages' degrees of the masked sumcheck).</summary>
    public int[] Degrees => Coefficients.Select(c => c.Length - 1).ToArray();

    /// <summary>
    /// Samples g with uniform coefficients from <paramref name="rng"/> (the OS CSPRNG in production: pass
    /// <see cref="RandomNumberGenerator.Create()"/>; never <see cref="Random"/>).
    /// </summary>
    /// <param name="degrees">The degree profile d_1 … d_n (each 1..7); usually <see cref="SumcheckProver.RoundDegrees"/>.</param>
    /// <param name="rng">The randomness source.</param>
    /// <exception cref="ArgumentException">Empty profile or a degree out of range.</exception>
    public static LibraMask Sample(ReadOnlySpan<int> degrees, RandomNumberGenerator rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (degrees.Length == 0) throw new ArgumentException("a Libra mask needs at least one round", nameof(degrees));
        var rows = new Fr[degrees.Length][];
        for (int k = 0; k < degrees.Length; k++)
        {
            if (degrees[k] < 1 || degrees[k] >= UniPoly.MaxDegree)
                throw new ArgumentException($"round {k} degree {degrees[k]} out of range 1..{UniPoly.MaxDegree - 1}", nameof(degrees));
            rows[k] = new Fr[degrees[k] + 1];
            for (int t = 0; t < rows[k].Length; t++) rows[k][t] = UniformScalar(rng);
        }
        return new LibraMask(rows);
    }

    /// <summary>Σ_{x∈{0,1}^n} g(x) = 2^{n−1}·Σ_k (g_k(0) + g_k(1)): the announced sum of the plain masked sumcheck.</summary>
    public Fr Sum()
    {
        var s = Fr.Zero;
        foreach (var row in Coefficients) s += EndpointSum(row);
        return s * FieldPowers.TwoTo(NumVars - 1);
    }

    /// <summary>
    /// Σ_{x∈{0,1}^n} eq(τ, x)·g(x) = Σ_k ((1 − τ_k)·g_k(0) + τ_k·g_k(1)) (Σ_x eq(τ, x) = 1): the announced sum of the
    /// masked zero-check, where the mask sits under the eq factor.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="tau"/> has the wrong length.</exception>
    public Fr SumUnderEq(ReadOnlySpan<Fr> tau)
    {
        if (tau.Length != NumVars) throw new ArgumentException($"τ has {tau.Length} coordinates, the mask has {NumVars} rounds", nameof(tau));
        var s = Fr.Zero;
        for (int k = 0; k < NumVars; k++)
        {
            var row = Coefficients[k];
            var at1 = EndpointSum(row) - row[0];
            s += row[0] + tau[k] * (at1 - row[0]);
        }
        return s;
    }

    /// <summary>g(point) = Σ_k g_k(point_k).</summary>
    /// <exception cref="ArgumentException"><paramref name="point"/> has the wrong length.</exception>
    public Fr Evaluate(ReadOnlySpan<Fr> point)
    {
        if (point.Length != NumVars) throw new ArgumentException($"point has {point.Length} coordinates, the mask has {NumVars} rounds", nameof(point));
        var s = Fr.Zero;
        for (int k = 0; k < NumVars; k++) s += UniPoly.Evaluate(Coefficients[k], point[k]);
        return s;
    }

    /// <summary>
    /// The coefficients as one vector for a committed mask region: entry k·8 + t = coefficient of X^t in g_k (zero
    /// beyond d_k), rows padded with zero rows to a power of two. Length 8·2^⌈log₂ n⌉.
    /// </summary>
    public Fr[] ToTable()
    {
        var table = new Fr[TableLength(NumVars)];
        for (int k = 0; k < NumVars; k++) Coefficients[k].CopyTo(table, k * RowWidth);
        return table;
    }

    /// <summary>Length of <see cref="ToTable"/> for an n-round mask: 8·2^⌈log₂ n⌉.</summary>
    /// <exception cref="ArgumentException">n outside 1..40.</exception>
    public static int TableLength(int numVars)
    {
        if (numVars < 1 || numVars > 40) throw new ArgumentException($"Libra mask rounds {numVars} out of range 1..40", nameof(numVars));
        return RowWidth * (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)numVars);
    }

    /// <summary>
    /// The weights u with Σ_i table[i]·u[i] = g(<paramref name="point"/>) for every mask of this shape:
    /// u[k·8 + t] = point_k^t for t &lt; 8 and k &lt; n, zero in padding rows. A claim v_g = g(point) is the weighted
    /// claim ⟨table, u⟩ = v_g on the committed table (docs/zk-design.md §5.3).
    /// </summary>
    /// <exception cref="ArgumentException">Empty or over-long point.</exception>
    public static Fr[] EvaluationWeights(ReadOnlySpan<Fr> point)
    {
        var u = new Fr[TableLength(point.Length)];
        for (int k = 0; k < point.Length; k++)
        {
            var p = Fr.One;
            for (int t = 0; t < RowWidth; t++)
            {
                u[k * RowWidth + t] = p;
                p *= point[k];
            }
        }
        return u;
    }

    /// <summary>
    /// The multilinear extension of <see cref="EvaluationWeights"/>(<paramref name="point"/>) at
    /// <paramref name="z"/> in closed form, ũ(z_hi, z_lo) = Σ_k eq(z_hi, k)·Σ_t eq(z_lo, t)·point_k^t, with z_lo the
    /// last 3 coordinates (the verifier's side of the weighted claim; O(8·n) multiplications, no table of 2^|z|).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="z"/> does not have log₂ of <see cref="TableLength"/> coordinates.</exception>
    public static Fr WeightMle(ReadOnlySpan<Fr> point, ReadOnlySpan<Fr> z)
    {
        int len = TableLength(point.Length);
        int vars = System.Numerics.BitOperations.Log2((uint)len);
        if (z.Length != vars) throw new ArgumentException($"z has {z.Length} coordinates, the weight vector has {vars} variables", nameof(z));
        var hi = z[..(vars - 3)];
        var lo = z[(vars - 3)..];
        var eqLo = Eq.Table(lo);
        var acc = Fr.Zero;
        for (int k = 0; k < point.Length; k++)
        {
            var inner = Fr.Zero;
            var p = Fr.One;
            for (int t = 0; t < RowWidth; t++)
            {
                inner += eqLo[t] * p;
                p *= point[k];
            }
            acc += EqAtIndex(hi, k) * inner;
        }
        return acc;
    }

    // eq(z, bits(k)) with the project bit order (z_1 = most significant bit of k).
    private static Fr EqAtIndex(ReadOnlySpan<Fr> z, int k)
    {
        var e = Fr.One;
        for (int j = 0; j < z.Length; j++)
        {
            bool bit = ((k >> (z.Length - 1 - j)) & 1) == 1;
            e *= bit ? z[j] : Fr.One - z[j];
        }
        return e;
    }

    // g_k(0) + g_k(1) = 2·c_0 + c_1 + … + c_d.
    private static Fr EndpointSum(Fr[] row)
    {
        var s = row[0];
        foreach (var c in row) s += c;
        return s;
    }

    /// <summary>A uniform element of Fr from <paramref name="rng"/> (rejection sampling on 254-bit strings).</summary>
    internal static Fr UniformScalar(RandomNumberGenerator rng)
    {
        Span<byte> b = stackalloc byte[32];
        while (true)
        {
            rng.GetBytes(b);
            b[31] &= 0x3F; // 254 bits, little-endian
            if (Fr.TryFromBytesLittleEndian(b, out var r))
            {
                b.Clear();
                return r;
            }
        }
    }

    // The record's generated ToString would list the members: keep the coefficients out of it.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("NumVars = ").Append(NumVars).Append(", Degrees = [").Append(string.Join(", ", Degrees)).Append(']');
        return true;
    }
}

/// <summary>
/// A hypercube-vanishing mask of one sumcheck factor (docs/zk-design.md §5.2): the prover uses
/// P̂(x) = P̃(x) + x_n·(1 − x_n)·μ(x_1 … x_{n−1}) in place of the multilinear P̃, where x_n is the sumcheck's
/// LAST variable. P̂ = P̃ on {0,1}^n, so every hypercube sum is unchanged; only the last round sees the mask
/// (there all other variables are bound), where it raises the factor's degree to 2. μ may depend on the first
/// n − 1 challenges only (the design's μ_P is affine in one selector variable: <see cref="Affine"/>).
/// Soundness: μ's coefficients must be committed before the sumcheck's first challenge and the final value P̂(r)
/// discharged as P̃(r) + r_n(1 − r_n)·μ(r_{&lt;n}) on both commitments; a μ the prover may choose later makes P̂(r) free.
/// Zero knowledge: sample m0, m1 fresh from a CSPRNG for every proof.
/// </summary>
public sealed class VanishingMask
{
    private readonly Func<Fr[], Fr> _coefficient;

    /// <summary>A mask with μ given as a function of the challenges r_1 … r_{n−1}.</summary>
    public VanishingMask(Func<Fr[], Fr> coefficientAt)
    {
        ArgumentNullException.ThrowIfNull(coefficientAt);
        _coefficient = coefficientAt;
    }

    /// <summary>μ(x) = m0 + m1·x_s for the selector variable s (0-based, s &lt; n − 1: bound before the last round).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative selector.</exception>
    public static VanishingMask Affine(int selector, Fr m0, Fr m1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(selector);
        return new VanishingMask(r =>
        {
            if (selector >= r.Length) throw new SumcheckException($"vanishing mask: selector variable {selector} is not bound before the last round ({r.Length} earlier challenges)");
            return m0 + m1 * r[selector];
        });
    }

    /// <summary>μ at the earlier challenges (the coefficient of X(1 − X) in the last round).</summary>
    public Fr CoefficientAt(Fr[] earlierChallenges) => _coefficient(earlierChallenges);

    /// <summary>P̂(r) from P̃(r): P̃(r) + r_n(1 − r_n)·μ(r_1 … r_{n−1}).</summary>
    /// <exception cref="ArgumentException">Empty point.</exception>
    public Fr Apply(Fr plainValue, ReadOnlySpan<Fr> point)
    {
        if (point.Length == 0) throw new ArgumentException("a vanishing mask needs at least one variable", nameof(point));
        var last = point[^1];
        return plainValue + last * (Fr.One - last) * CoefficientAt(point[..^1].ToArray());
    }
}

/// <summary>
/// Transcript labels of a masked sumcheck's mask (docs/protocol.md "ZK mode (in progress)"). Callers with their own
/// protocol names (e.g. the inference proof's <c>mm_mask_sum</c> / <c>mm_rho</c>) pass their own set.
/// </summary>
/// <param name="Commitment">Absorb of the caller's commitment bytes to the mask (skipped when empty).</param>
/// <param name="Sum">Absorb of the mask's announced sum σ.</param>
/// <param name="Rho">The challenge ρ′ that scales the mask.</param>
public sealed record LibraLabels(string Commitment, string Sum, string Rho)
{
    /// <summary>The generic labels: <c>sumcheck_mask_com</c>, <c>sumcheck_mask_sum</c>, <c>sumcheck_rho</c>.</summary>
    public static LibraLabels Default { get; } = new(SumcheckLabels.MaskCommitment, SumcheckLabels.MaskSum, SumcheckLabels.MaskRho);
}

/// <summary>What the masked prover hands back.</summary>
/// <param name="Proof">The round messages (round i has <c>Degrees[i]</c> elements).</param>
/// <param name="Point">The challenges r_1 … r_n.</param>
/// <param name="FinalEvaluations">P̂_k(r) for every factor: the masked value where a <see cref="VanishingMask"/> was
/// given, P̃_k(r) otherwise (what the caller sends and the verifier combines).</param>
/// <param name="Degrees">The degree profile (= the mask's).</param>
/// <param name="MaskSum">σ, as absorbed.</param>
/// <param name="MaskEvaluation">v_g = g(r): the claim on the committed mask; the verifier takes it as input.</param>
public sealed record MaskedSumcheckProverOutput(SumcheckProof Proof, Fr[] Point, Fr[] FinalEvaluations, int[] Degrees, Fr MaskSum, Fr MaskEvaluation);

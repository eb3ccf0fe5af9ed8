using ZkMl.Algebra;

namespace ZkMl.Proofs.Sumcheck;

/// <summary>One product term c · Π_{k ∈ Factors} P_k of a sumcheck polynomial; factors index the MLE list.</summary>
/// <param name="Coefficient">The constant c.</param>
/// <param name="Factors">Indices of the multilinear factors (an index may repeat, e.g. P_0²).</param>
public sealed record ProductTerm(Fr Coefficient, int[] Factors);

/// <summary>
/// A sum of products of multilinear polynomials, Σ_t c_t Π_{k ∈ F_t} P_k(x): the shape of a sumcheck statement.
/// </summary>
public sealed class ProductSum
{
    /// <summary>Creates the shape with <paramref name="numPolynomials"/> multilinear inputs.</summary>
    /// <exception cref="ArgumentException">No terms, a factor index out of range, or degree above <see cref="UniPoly.MaxDegree"/>.</exception>
    public ProductSum(int numPolynomials, IReadOnlyList<ProductTerm> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        if (terms.Count == 0) throw new ArgumentException("a sumcheck polynomial needs at least one product term", nameof(terms));
        foreach (var t in terms)
            foreach (var k in t.Factors)
                if (k < 0 || k >= numPolynomials) throw new ArgumentException($"product term refers to polynomial {k}; there are {numPolynomials}", nameof(terms));
        NumPolynomials = numPolynomials;
        Terms = terms.ToArray();
        Degree = Math.Max(1, Terms.Max(t => t.Factors.Length));
        if (Degree > UniPoly.MaxDegree - 1) throw new ArgumentException($"degree {Degree} exceeds the supported {UniPoly.MaxDegree - 1}", nameof(terms));
    }

    /// <summary>Number of multilinear inputs.</summary>
    public int NumPolynomials { get; }

    /// <summary>The product terms.</summary>
    public IReadOnlyList<ProductTerm> Terms { get; }

    /// <summary>Degree per variable: the largest number of factors in a term (at least 1).</summary>
    public int Degree { get; }

    /// <summary>Σ_t c_t Π_{k ∈ F_t} values[k]: the polynomial at a point given its inputs' values there.</summary>
    /// <exception cref="ArgumentException">Wrong number of values.</exception>
    public Fr Combine(ReadOnlySpan<Fr> values)
    {
        if (values.Length != NumPolynomials) throw new ArgumentException($"expected {NumPolynomials} values, got {values.Length}", nameof(values));
        var acc = Fr.Zero;
        foreach (var t in Terms)
        {
            var p = t.Coefficient;
            foreach (var k in t.Factors) p *= values[k];
            acc += p;
        }
        return acc;
    }
}

/// <summary>
/// A sumcheck proof: one compressed round polynomial per variable (docs/protocol.md "Sumcheck"): plain mode sends
/// [c_0, c_2, …, c_d] (c_1 omitted), zero-check (Gruen) mode sends [q_1, …, q_d] (q_0 omitted).
/// </summary>
/// <param name="Rounds">Round messages in variable order.</param>
public sealed record SumcheckProof(Fr[][] Rounds)
{
    /// <summary>Total number of field elements.</summary>
    public int ElementCount => Rounds.Sum(r => r.Length);

    /// <summary>The proof as bytes: every round message in order, each element 32-byte big-endian (as absorbed).</summary>
    public byte[] ToBytes()
    {
        var b = new byte[32 * ElementCount];
        int o = 0;
        foreach (var round in Rounds)
            foreach (var e in round)
            {
                e.WriteBigEndian(b.AsSpan(o, 32));
                o += 32;
            }
        return b;
    }

    /// <summary>
    /// Parses <see cref="ToBytes"/> output for <paramref name="numVars"/> rounds of <paramref name="degree"/> elements.
    /// Returns false with a reason (never throws) on a wrong length or a non-canonical element (≥ r).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, int numVars, int degree, out SumcheckProof? proof, out string? error)
    {
        proof = null;
        error = null;
        if (numVars < 0 || degree < 1 || (long)numVars * degree * 32 != bytes.Length)
        {
            error = $"sumcheck proof has {bytes.Length} bytes, expected {32L * Math.Max(0, numVars) * Math.Max(0, degree)} ({numVars} rounds × {degree} elements × 32)";
            return false;
        }
        var rounds = new Fr[numVars][];
        for (int i = 0; i < numVars; i++)
        {
            rounds[i] = new Fr[degree];
            for (int k = 0; k < degree; k++)
                if (!Fr.TryFromBytesBigEndian(bytes.Slice(32 * (i * degree + k), 32), out rounds[i][k]))
                {
                    error = $"sumcheck round {i} element {k} is not a canonical field element (must be < r)";
                    return false;
                }
        }
        proof = new SumcheckProof(rounds);
        return true;
    }

    /// <summary>
    /// Parses <see cref="ToBytes"/> output of a sumcheck with a per-round degree profile (masked sumchecks: round i
    /// has <paramref name="degrees"/>[i] elements). Returns false with a reason (never throws on the bytes).
    /// </summary>
    /// <exception cref="ArgumentException">A degree outside 1..<see cref="UniPoly.MaxDegree"/> − 1 (caller parameter).</exception>
    public static bool TryParse(ReadOnlySpan<byte> bytes, ReadOnlySpan<int> degrees, out SumcheckProof? proof, out string? error)
    {
        proof = null;
        error = null;
        long total = 0;
        foreach (var d in degrees)
        {
            if (d < 1 || d >= UniPoly.MaxDegree) throw new ArgumentException($"sumcheck: degree {d} out of range 1..{UniPoly.MaxDegree - 1}", nameof(degrees));
            total += d;
        }
        if (total * 32 != bytes.Length)
        {
            error = $"sumcheck proof has {bytes.Length} bytes, expected {32 * total} ({degrees.Length} rounds, {total} elements × 32)";
            return false;
        }
        var rounds = new Fr[degrees.Length][];
        int o = 0;
        for (int i = 0; i < degrees.Length; i++)
        {
            rounds[i] = new Fr[degrees[i]];
            for (int k = 0; k < degrees[i]; k++, o += 32)
                if (!Fr.TryFromBytesBigEndian(bytes.Slice(o, 32), out rounds[i][k]))
                {
                    error = $"sumcheck round {i} element {k} is not a canonical field element (must be < r)";
                    return false;
                }
        }
        proof = new SumcheckProof(rounds);
        return true;
    }
}

/// <summary>What the prover hands back besides the proof.</summary>
/// <param name="Proof">The round messages.</param>
/// <param name="Point">The challenges r_1..r_n (the point, in variable order).</param>
/// <param name="FinalEvaluations">P_k(r) for every input MLE (the caller usually sends or checks these).</param>
public sealed record SumcheckProverOutput(SumcheckProof Proof, Fr[] Point, Fr[] FinalEvaluations);

/// <summary>
/// Result of the stateless verifier: on success the claim the caller MUST discharge — the polynomial (plain:
/// Σ c_t Π P_k; zero-check: g without the eq factor) evaluated at <see cref="Point"/> must equal
/// <see cref="ExpectedValue"/>.
/// </summary>
public sealed class SumcheckResult
{
    private SumcheckResult(bool ok, string? error, Fr[] point, Fr value)
    {
        Success = ok;
        Error = error;
        Point = point;
        ExpectedValue = value;
    }

    /// <summary>True when the proof was well formed; the final claim still has to be checked.</summary>
    public bool Success { get; }

    /// <summary>Why verification failed (null on success).</summary>
    public string? Error { get; }

    /// <summary>The random point r (empty on failure).</summary>
    public Fr[] Point { get; }

    /// <summary>The value the polynomial must take at <see cref="Point"/>.</summary>
    public Fr ExpectedValue { get; }

    internal static SumcheckResult Ok(Fr[] point, Fr value) => new(true, null, point, value);

    internal static SumcheckResult Fail(string error) => new(false, error, [], Fr.Zero);

    /// <summary>True iff verification succeeded and <paramref name="actualValue"/> equals the expected final value.</summary>
    public bool Discharge(in Fr actualValue) => Success && actualValue == ExpectedValue;
}

/// <summary>
/// The claim g(<see cref="Point"/>) = <see cref="Value"/> on the committed Libra mask that a masked sumcheck leaves
/// (docs/zk-design.md §5.3; review session 14 step 5, finding 1). Without it the masked sumcheck is NOT sound: a
/// prover picks v_g after seeing r so that e − ρ′·v_g equals any F(r). The caller discharges it as the weighted claim
/// ⟨table, <see cref="Weights"/>⟩ = Value on the commitment absorbed before ρ′ (in a batched opening: add it to the
/// claims before the batching challenge, with <see cref="LibraMask.WeightMle"/> for the verifier's side).
/// </summary>
/// <param name="Point">r, the sumcheck's final point.</param>
/// <param name="Value">v_g, as the prover sent it.</param>
public sealed record LibraMaskClaim(Fr[] Point, Fr Value)
{
    /// <summary>The weights u with ⟨table, u⟩ = g(Point) (<see cref="LibraMask.EvaluationWeights"/>).</summary>
    public Fr[] Weights() => LibraMask.EvaluationWeights(Point);

    /// <summary>True iff <paramref name="committed"/> (the mask whose commitment the transcript absorbed) takes
    /// <see cref="Value"/> at <see cref="Point"/>, computed as the weighted claim on its table (tests and callers
    /// that hold the mask in the clear; a verifier uses the commitment's opening instead).</summary>
    public bool HoldsFor(LibraMask committed)
    {
        ArgumentNullException.ThrowIfNull(committed);
        var table = committed.ToTable();
        var u = Weights();
        if (u.Length != table.Length) return false;
        var acc = Fr.Zero;
        for (int i = 0; i < table.Length; i++) acc += table[i] * u[i];
        return acc == Value;
    }
}

/// <summary>
/// Outcome of <see cref="SumcheckVerifier.VerifyMasked"/> / <see cref="SumcheckVerifier.VerifyZeroCheckMasked"/>.
/// Unlike <see cref="SumcheckResult"/> it has no one-argument <c>Discharge</c>: checking F(r) alone accepts forgeries
/// (the prover chooses v_g after r), so <see cref="CheckFinalValue"/> hands back the pending
/// <see cref="LibraMaskClaim"/> the caller MUST discharge on the committed mask as well.
/// </summary>
public sealed class MaskedSumcheckResult
{
    private MaskedSumcheckResult(bool ok, string? error, Fr[] point, Fr value, LibraMaskClaim? maskClaim)
    {
        Success = ok;
        Error = error;
        Point = point;
        ExpectedValue = value;
        MaskClaim = maskClaim;
    }

    /// <summary>True when the proof was well formed; the final value AND <see cref="MaskClaim"/> still have to be checked.</summary>
    public bool Success { get; }

    /// <summary>Why verification failed (null on success).</summary>
    public string? Error { get; }

    /// <summary>The random point r (empty on failure).</summary>
    public Fr[] Point { get; }

    /// <summary>e − ρ′·v_g: the value F (resp. G without eq) must take at <see cref="Point"/> — meaningful only together
    /// with <see cref="MaskClaim"/>, which is what makes v_g trustworthy.</summary>
    public Fr ExpectedValue { get; }

    /// <summary>g(r) = v_g on the committed mask (null on failure).</summary>
    public LibraMaskClaim? MaskClaim { get; }

    internal static MaskedSumcheckResult Ok(Fr[] point, Fr value, Fr maskEvaluation) => new(true, null, point, value, new LibraMaskClaim((Fr[])point.Clone(), maskEvaluation));

    internal static MaskedSumcheckResult Fail(string error) => new(false, error, [], Fr.Zero, null);

    /// <summary>
    /// True iff verification succeeded and <paramref name="actualValue"/> equals <see cref="ExpectedValue"/>. This is
    /// only HALF of the final check: <paramref name="pendingMaskClaim"/> (= <see cref="MaskClaim"/>) must also be
    /// discharged on the committed mask before the proof is accepted.
    /// </summary>
    public bool CheckFinalValue(in Fr actualValue, out LibraMaskClaim? pendingMaskClaim)
    {
        pendingMaskClaim = MaskClaim;
        return Success && actualValue == ExpectedValue;
    }
}

/// <summary>Misuse of the sumcheck prover (inconsistent sizes, bad shapes).</summary>
public sealed class SumcheckException(string message) : Exception(message);

/// <summary>Transcript labels used by the sumcheck (docs/protocol.md "Sumcheck").</summary>
public static class SumcheckLabels
{
    /// <summary>Absorb of the claimed sum before the first round.</summary>
    public const string Claim = "sumcheck_claim";

    /// <summary>Absorb-challenge of one compressed round polynomial: the new transcript state is the round challenge
    /// (<see cref="Transcripts.Transcript.AbsorbChallenge"/>; the masked sumchecks absorb it and then draw <see cref="Challenge"/>).</summary>
    public const string Round = "sumcheck_round";

    /// <summary>The round challenge of the masked (ZK) sumchecks, drawn after the round's absorb.</summary>
    public const string Challenge = "sumcheck_r";

    /// <summary>Masked sumcheck (<see cref="LibraLabels.Default"/>): absorb of the caller's commitment bytes to the mask.</summary>
    public const string MaskCommitment = "sumcheck_mask_com";

    /// <summary>Masked sumcheck: absorb of the mask's announced sum σ.</summary>
    public const string MaskSum = "sumcheck_mask_sum";

    /// <summary>Masked sumcheck: the challenge ρ′ that scales the mask.</summary>
    public const string MaskRho = "sumcheck_rho";
}

/// <summary>
/// A degree-1 term c·P of a zero-check whose multilinear P is given by its MLE in closed form rather than as a table
/// (e.g. a public 0/1 selector with a structured extension): P reads the last <paramref name="NumVars"/> of the sum's
/// coordinates (tiled like a short input) and is never materialised or folded. Unmasked; its final value is the caller's.
/// </summary>
/// <param name="Coefficient">c.</param>
/// <param name="NumVars">k, P's number of variables (at most the sum's).</param>
/// <param name="Mle">P̃ at a point of k coordinates.</param>
internal sealed record LinearOracleTerm(Fr Coefficient, int NumVars, Func<Fr[], Fr> Mle);

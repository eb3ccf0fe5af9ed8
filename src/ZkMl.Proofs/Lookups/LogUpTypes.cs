using ZkMl.Algebra;

namespace ZkMl.Proofs.Lookups;

/// <summary>The committed vectors a LogUp evaluation claim refers to (docs/protocol.md "LogUp").</summary>
public enum LogUpPolynomial
{
    /// <summary>The witness values f (2^n entries).</summary>
    Witness,
    /// <summary>The table values t (2^m entries).</summary>
    Table,
    /// <summary>The multiplicities m (2^m entries, aligned with the table).</summary>
    Multiplicities,
    /// <summary>The witness helper h_w = 1/(α − f) (2^n entries).</summary>
    WitnessHelper,
    /// <summary>The table helper h_t = m/(α − t) (2^m entries).</summary>
    TableHelper,
    /// <summary>The helper h_in = 1/(α − f_in) of an optional second witness segment (ZK mode, <see cref="LogUpInputSide"/>).</summary>
    InputHelper,
    /// <summary>The values f_in of the optional second witness segment (ZK mode).</summary>
    InputWitness,
}

/// <summary>An evaluation claim the caller MUST discharge: the MLE of <paramref name="Polynomial"/> at
/// <paramref name="Point"/> equals <paramref name="Value"/>.</summary>
/// <param name="Polynomial">Which committed vector.</param>
/// <param name="Point">The point (length = that vector's number of variables, project bit order).</param>
/// <param name="Value">The claimed value.</param>
public sealed record LogUpClaim(LogUpPolynomial Polynomial, Fr[] Point, Fr Value);

/// <summary>Result of <see cref="LogUpVerifier.Verify"/>: on success, the claims the caller must prove
/// (e.g. with the batched HyperKZG opening); the lookup is only verified once all of them are.</summary>
public sealed class LogUpResult
{
    private LogUpResult(bool ok, string? error, IReadOnlyList<LogUpClaim> claims)
    {
        Success = ok;
        Error = error;
        Claims = claims;
    }

    /// <summary>True when every check the verifier can do by itself passed.</summary>
    public bool Success { get; }

    /// <summary>Why verification failed (null on success).</summary>
    public string? Error { get; }

    /// <summary>The evaluation claims to discharge (empty on failure), in the order of docs/protocol.md "LogUp".</summary>
    public IReadOnlyList<LogUpClaim> Claims { get; }

    internal static LogUpResult Ok(IReadOnlyList<LogUpClaim> claims) => new(true, null, claims);

    internal static LogUpResult Fail(string error) => new(false, error, []);
}

/// <summary>What the LogUp prover returns: the proof and the same claims the verifier will output.</summary>
/// <param name="Proof">The proof.</param>
/// <param name="Claims">The evaluation claims (true for an honest prover), in verifier order.</param>
public sealed record LogUpProverOutput(LogUpProof Proof, IReadOnlyList<LogUpClaim> Claims);

/// <summary>Misuse of the LogUp prover (inconsistent sizes, α hitting a value, a witness value missing from the table).</summary>
public sealed class LogUpException(string message) : Exception(message);

/// <summary>Transcript labels used by LogUp (docs/protocol.md "LogUp").</summary>
public static class LogUpLabels
{
    /// <summary>Absorb of the common sum S = Σ h_w = Σ h_t.</summary>
    public const string Sum = "logup_sum";
    /// <summary>The challenge λ that combines the table and witness sides into one zero-check.</summary>
    public const string Lambda = "logup_lambda";
    /// <summary>The zero-check point τ (max(n, m) challenges).</summary>
    public const string Tau = "logup_tau";
    /// <summary>Absorb of [h_w(r_w), f(r_w), h_t(r_t), t(r_t), m(r_t)].</summary>
    public const string Evals = "logup_evals";
}

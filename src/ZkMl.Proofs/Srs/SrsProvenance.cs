using ZkMl.Algebra;
using ZkMl.Algebra.Evm;

namespace ZkMl.Proofs;

/// <summary>What <see cref="SrsProvenance.CheckBlindingBase(Srs)"/> concluded about an SRS's blinding base H.</summary>
public enum BlindingBaseVerdict
{
    /// <summary>A development SRS: τ and α are known to whoever made it (INSECURE; hiding still holds).</summary>
    Development,

    /// <summary>([τ]₂, H) equal a pinned ceremony's: the file's α is the ceremony's.</summary>
    PinnedCeremony,

    /// <summary>[τ]₂ is a pinned ceremony's but H is not: the α-powers were replaced (planted α). Refuse.</summary>
    PlantedBlindingBase,

    /// <summary>No pinned ceremony has this [τ]₂: acceptable only if the user verified the file (<c>--ptau-verified</c>).</summary>
    UnknownCeremony,

    /// <summary>The SRS has no blinding base (no section 4, or stored without it). Refuse for the ZK mode.</summary>
    Missing,
}

/// <summary>
/// The verdict on an SRS's blinding base and what to tell the user.
/// </summary>
/// <param name="Verdict">What was found.</param>
/// <param name="Message">One sentence for the user (names alphaTauG1[0] and the ceremony where relevant).</param>
/// <param name="Ceremony">The pinned ceremony's name when [τ]₂ matched one; else null.</param>
public sealed record BlindingBaseCheck(BlindingBaseVerdict Verdict, string Message, string? Ceremony)
{
    /// <summary>
    /// Whether zero-knowledge setup may use the SRS: a pinned ceremony or a development SRS always, an unknown
    /// ceremony only when the user states it was verified (<paramref name="userVerified"/>: <c>snarkjs powersoftau
    /// verify</c> succeeded, or its hash matches a published one); a planted or missing H never.
    /// </summary>
    public bool Allows(bool userVerified) => Verdict switch
    {
        BlindingBaseVerdict.Development or BlindingBaseVerdict.PinnedCeremony => true,
        BlindingBaseVerdict.UnknownCeremony => userVerified,
        _ => false,
    };
}

/// <summary>
/// A ceremony whose ([τ]₂, alphaTauG1[0]) the project pins (docs/zk-design.md A2, docs/protocol.md "SRS").
/// Coordinates as decimal integers (affine, not Montgomery).
/// </summary>
/// <param name="Name">The ceremony's name, e.g. the file family.</param>
/// <param name="TauG2">[τ]₂ = tauG2[1]: x.c0, x.c1, y.c0, y.c1.</param>
/// <param name="BlindingBase">alphaTauG1[0]: x, y.</param>
public sealed record PinnedCeremony(string Name, string[] TauG2, string[] BlindingBase)
{
    internal G2Affine TauG2Point => new(
        new Fq2(Fq.FromBigInteger(System.Numerics.BigInteger.Parse(TauG2[0], System.Globalization.CultureInfo.InvariantCulture)),
                Fq.FromBigInteger(System.Numerics.BigInteger.Parse(TauG2[1], System.Globalization.CultureInfo.InvariantCulture))),
        new Fq2(Fq.FromBigInteger(System.Numerics.BigInteger.Parse(TauG2[2], System.Globalization.CultureInfo.InvariantCulture)),
                Fq.FromBigInteger(System.Numerics.BigInteger.Parse(TauG2[3], System.Globalization.CultureInfo.InvariantCulture))));

    internal G1Affine BlindingBasePoint => new(
        Fq.FromBigInteger(System.Numerics.BigInteger.Parse(BlindingBase[0], System.Globalization.CultureInfo.InvariantCulture)),
        Fq.FromBigInteger(System.Numerics.BigInteger.Parse(BlindingBase[1], System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>A pin made from an SRS's own [τ]₂ and H (tests, and tools that print a pin).</summary>
    /// <exception cref="ArgumentException">The SRS has no blinding base.</exception>
    public static PinnedCeremony Of(string name, Srs srs)
    {
        ArgumentNullException.ThrowIfNull(srs);
        if (srs.BlindingBase is not { } h) throw new ArgumentException("the SRS has no blinding base H", nameof(srs));
        var t = srs.TauG2;
        static string D(in Fq v) => v.ToBigInteger().ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new PinnedCeremony(name, [D(t.X.C0), D(t.X.C1), D(t.Y.C0), D(t.Y.C1)], [D(h.X), D(h.Y)]);
    }
}

/// <summary>
/// The provenance check of assumption A2 (docs/zk-design.md §1): hiding commitments C = [v(τ)]₁ + s·H bind only
/// if nobody knows a relation p(τ) = c·α. A .ptau has no α·G₂, so alphaTauG1 cannot be checked by a pairing: a
/// file whose section 4 was replaced by shifted τ-powers (α = τ^j) passes every check of the file itself. The
/// remedy is provenance: ([τ]₂, H) of the recommended ceremony are pinned here; a file with a pinned [τ]₂ and
/// another H is refused; a file of another ceremony needs the user's statement that it was verified.
/// </summary>
public static class SrsProvenance
{
    /// <summary>
    /// The pinned ceremonies. <b>EMPTY on purpose:</b> the recommended ceremony's values (the Hermez/Polygon
    /// <c>powersOfTau28_hez_final_*.ptau</c> files) could not be obtained where this was written (no network), and
    /// a pin must come from the real file, never be typed in from memory. To add it, run
    /// <c>zkml</c>'s own reader on two sizes of the file (the test <c>Pinned_ceremony_matches_its_files</c> does,
    /// with <c>ZKML_PINNED_PTAU_DIR</c> set) and copy <see cref="PinnedCeremony.Of"/>'s output here. Until then every
    /// ceremony file is <see cref="BlindingBaseVerdict.UnknownCeremony"/>.
    /// </summary>
    public static IReadOnlyList<PinnedCeremony> Pins { get; } = [];

    /// <summary>Checks <paramref name="srs"/>'s blinding base against <see cref="Pins"/>.</summary>
    public static BlindingBaseCheck CheckBlindingBase(Srs srs) => CheckBlindingBase(srs, Pins);

    /// <summary>Checks <paramref name="srs"/>'s blinding base against the given pins (first match by [τ]₂ decides).</summary>
    public static BlindingBaseCheck CheckBlindingBase(Srs srs, IReadOnlyList<PinnedCeremony> pins)
    {
        ArgumentNullException.ThrowIfNull(srs);
        ArgumentNullException.ThrowIfNull(pins);
        if (srs.BlindingBase is not { } h)
            return new(BlindingBaseVerdict.Missing, "the SRS has no blinding base H = alphaTauG1[0] (.ptau section 4): it cannot make hiding commitments", null);
        if (srs.IsInsecure)
            return new(BlindingBaseVerdict.Development, "INSECURE development SRS: τ and α are known to whoever made it (commitments hide, but do not bind for them)", null);
        foreach (var pin in pins)
        {
            if (pin.TauG2Point != srs.TauG2) continue;
            return pin.BlindingBasePoint == h
                ? new(BlindingBaseVerdict.PinnedCeremony, $"the SRS is the pinned ceremony {pin.Name} ([τ]₂ and alphaTauG1[0] match)", pin.Name)
                : new(BlindingBaseVerdict.PlantedBlindingBase,
                    $"alphaTauG1[0] (.ptau section 4) is not the one of the ceremony {pin.Name}, whose [τ]₂ the file has: its α-powers were replaced (anyone who knows α in terms of τ can forge zero-knowledge proofs); use the ceremony's own file",
                    pin.Name);
        }
        return new(BlindingBaseVerdict.UnknownCeremony,
            $"[τ]₂ (fingerprint {srs.TauG2Fingerprint[..16]}) is not a pinned ceremony's: the blinding base alphaTauG1[0] can only be trusted if the file was verified (snarkjs powersoftau verify, or its hash matches a published one)",
            null);
    }
}

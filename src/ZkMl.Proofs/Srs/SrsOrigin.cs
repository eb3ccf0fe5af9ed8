using System.Buffers.Binary;

namespace ZkMl.Proofs;

/// <summary>Where the τ of an SRS came from.</summary>
public enum SrsOriginKind
{
    /// <summary>A development SRS: whoever made it knows τ and can forge proofs (INSECURE).</summary>
    Development = 0,

    /// <summary>A snarkjs powers-of-tau ceremony file: τ is unknown as long as one contributor was honest.</summary>
    Ceremony = 1,
}

/// <summary>
/// The origin of an SRS as recorded in the SRS cache and the verifying key (docs/protocol.md "SRS", "Keys"):
/// its kind, the number of ceremony contributions, and the last contribution's next-challenge hash (the
/// BLAKE2b-512 value that <c>snarkjs powersoftau verify</c> prints as "Next Challenge" for the last
/// contribution; it identifies the ceremony's state). All zeros for a development SRS or a .ptau without a
/// contributions section.
/// </summary>
public sealed class SrsOrigin : IEquatable<SrsOrigin>
{
    /// <summary>Serialized size: u32 kind, u32 contributions, 64-byte ceremony hash.</summary>
    public const int EncodedLength = 4 + 4 + 64;

    private readonly byte[] _hash;

    private SrsOrigin(SrsOriginKind kind, int contributions, byte[] hash)
    {
        Kind = kind; Contributions = contributions; _hash = hash;
    }

    /// <summary>A development SRS (τ known to its maker).</summary>
    public static SrsOrigin Development { get; } = new(SrsOriginKind.Development, 0, new byte[64]);

    /// <summary>A ceremony file with <paramref name="contributions"/> contributions and its last next-challenge hash (64 bytes, or empty if unknown).</summary>
    /// <exception cref="ArgumentException">The hash is neither empty nor 64 bytes, or the count is negative.</exception>
    public static SrsOrigin Ceremony(int contributions, ReadOnlySpan<byte> ceremonyHash)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(contributions);
        if (ceremonyHash.Length is not (0 or 64)) throw new ArgumentException("the ceremony hash has 64 bytes", nameof(ceremonyHash));
        var h = new byte[64];
        ceremonyHash.CopyTo(h);
        return new SrsOrigin(SrsOriginKind.Ceremony, contributions, h);
    }

    /// <summary>Development or ceremony.</summary>
    public SrsOriginKind Kind { get; }

    /// <summary>True for a development SRS: proofs over it prove nothing to anyone but its maker.</summary>
    public bool IsInsecure => Kind == SrsOriginKind.Development;

    /// <summary>Number of contributions of the ceremony file (0 for development or unknown).</summary>
    public int Contributions { get; }

    /// <summary>The last contribution's next-challenge hash (64 bytes; zeros when none).</summary>
    public ReadOnlySpan<byte> CeremonyHash => _hash;

    /// <summary>Hex of <see cref="CeremonyHash"/>, or null when it is all zeros.</summary>
    public string? CeremonyHashHex => _hash.AsSpan().IndexOfAnyExcept((byte)0) < 0 ? null : Convert.ToHexStringLower(_hash);

    /// <summary>"INSECURE development SRS" or "ceremony (N contributions, next challenge …)".</summary>
    public override string ToString() => IsInsecure
        ? "INSECURE development SRS (τ known to whoever made the key: anyone holding it can forge proofs)"
        : $"ceremony SRS ({Contributions} contribution{(Contributions == 1 ? "" : "s")}" + (CeremonyHashHex is { } h ? $", next challenge {h[..16]}…{h[^8..]})" : ", no contributions section)");

    /// <summary>Writes the <see cref="EncodedLength"/> bytes (little-endian integers).</summary>
    public void WriteTo(Span<byte> d)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(d, (uint)Kind);
        BinaryPrimitives.WriteUInt32LittleEndian(d[4..], (uint)Contributions);
        _hash.CopyTo(d[8..]);
    }

    /// <summary>Decodes <see cref="WriteTo"/>'s bytes; false with a reason for an unknown kind or a development origin with a count or hash.</summary>
    public static bool TryRead(ReadOnlySpan<byte> s, out SrsOrigin? origin, out string? reason)
    {
        origin = null;
        if (s.Length < EncodedLength) { reason = "SRS origin truncated"; return false; }
        uint kind = BinaryPrimitives.ReadUInt32LittleEndian(s);
        uint n = BinaryPrimitives.ReadUInt32LittleEndian(s[4..]);
        var hash = s.Slice(8, 64);
        switch (kind)
        {
            case (uint)SrsOriginKind.Development:
                if (n != 0 || hash.IndexOfAnyExcept((byte)0) >= 0) { reason = "SRS origin: a development SRS has no contributions or ceremony hash"; return false; }
                origin = Development;
                break;
            case (uint)SrsOriginKind.Ceremony:
                if (n > int.MaxValue) { reason = $"SRS origin: {n} contributions"; return false; }
                origin = Ceremony((int)n, hash);
                break;
            default:
                reason = $"SRS origin: unknown kind {kind} (0 = development, 1 = ceremony)";
                return false;
        }
        reason = null;
        return true;
    }

    /// <inheritdoc/>
    public bool Equals(SrsOrigin? other) => other is not null && Kind == other.Kind && Contributions == other.Contributions && _hash.AsSpan().SequenceEqual(other._hash);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SrsOrigin);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, Contributions, BinaryPrimitives.ReadInt64LittleEndian(_hash));
}

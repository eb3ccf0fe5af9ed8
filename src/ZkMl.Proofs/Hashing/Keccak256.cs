using Org.BouncyCastle.Crypto.Digests;

namespace ZkMl.Proofs.Hashing;

/// <summary>
/// Keccak-256 exactly as Ethereum's <c>keccak256</c> / <c>SHA3</c> opcode: Keccak-f[1600], rate 136 bytes,
/// capacity 512 bits, original Keccak padding (first pad byte 0x01, last 0x80), NOT the NIST FIPS 202
/// SHA3-256 domain byte 0x06. The permutation is BouncyCastle's <c>KeccakDigest(256)</c> (not its
/// <c>Sha3Digest</c>, which pads for FIPS 202). Use the static <see cref="Hash(ReadOnlySpan{byte})"/> for
/// one-shot hashing or an instance (<see cref="Update"/>, <see cref="Finish(Span{byte})"/>) for incremental input.
/// </summary>
/// <remarks>
/// An instance is not thread-safe; the static methods are (one cached digest per thread). The project's own
/// unrolled implementation was as fast within the noise on a whole transcript and is kept only as the baseline
/// of <c>bench/ZkMl.Bench/KeccakBenchmarks.cs</c> (figures and the decision: bench/README.md, "Keccak-256").
/// </remarks>
public sealed class Keccak256
{
    /// <summary>Digest length in bytes (32).</summary>
    public const int HashLength = 32;

    /// <summary>Rate in bytes (136 = 17 lanes): the block size absorbed per permutation.</summary>
    public const int Rate = 136;

    [ThreadStatic] private static KeccakDigest? t_oneShot;

    private readonly KeccakDigest _digest = new(256);

    /// <summary>Creates an empty incremental hasher.</summary>
    public Keccak256() { }

    /// <summary>Keccak-256 of <paramref name="data"/> as a new 32-byte array.</summary>
    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var digest = new byte[HashLength];
        Hash(data, digest);
        return digest;
    }

    /// <summary>Writes Keccak-256 of <paramref name="data"/> into the first 32 bytes of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (destination.Length < HashLength) throw new ArgumentException($"destination must hold {HashLength} bytes, has {destination.Length}", nameof(destination));
        var d = t_oneShot ??= new KeccakDigest(256);
        d.BlockUpdate(data);
        d.DoFinal(destination);
    }

    /// <summary>Absorbs more input into this incremental hasher.</summary>
    public void Update(ReadOnlySpan<byte> data) => _digest.BlockUpdate(data);

    /// <summary>Pads, writes the digest of everything absorbed since construction or the last <see cref="Reset"/>
    /// into <paramref name="destination"/>, and resets the hasher.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    public void Finish(Span<byte> destination)
    {
        if (destination.Length < HashLength) throw new ArgumentException($"destination must hold {HashLength} bytes, has {destination.Length}", nameof(destination));
        _digest.DoFinal(destination);
    }

    /// <summary>Like <see cref="Finish(Span{byte})"/> but returns a new 32-byte array.</summary>
    public byte[] Finish()
    {
        var digest = new byte[HashLength];
        Finish(digest);
        return digest;
    }

    /// <summary>Forgets all absorbed input.</summary>
    public void Reset() => _digest.Reset();
}

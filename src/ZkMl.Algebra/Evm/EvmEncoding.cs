namespace ZkMl.Algebra.Evm;

/// <summary>
/// The Ethereum encodings of BN254 points used by the precompiles 0x06–0x08 (EIP-196, EIP-197):
/// G1 = x‖y (64 bytes), G2 = x.c1‖x.c0‖y.c1‖y.c0 (128 bytes; imaginary part first), each
/// coordinate a 32-byte big-endian integer; the point at infinity is all zeros.
/// </summary>
public static class EvmEncoding
{
    /// <summary>Bytes in an encoded G1 point.</summary>
    public const int G1Size = 64;

    /// <summary>Bytes in an encoded G2 point.</summary>
    public const int G2Size = 128;

    /// <summary>Writes x‖y (zeros for infinity) into the first 64 bytes of <paramref name="dest"/>.</summary>
    /// <exception cref="ArgumentException">dest is shorter than 64 bytes.</exception>
    public static void EncodeG1(in G1Affine p, Span<byte> dest)
    {
        if (dest.Length < G1Size) throw new ArgumentException($"G1 encoding needs {G1Size} bytes, got {dest.Length}", nameof(dest));
        p.X.WriteBigEndian(dest[..32]);
        p.Y.WriteBigEndian(dest.Slice(32, 32));
    }

    /// <summary>The 64-byte encoding x‖y.</summary>
    public static byte[] EncodeG1(in G1Affine p)
    {
        var b = new byte[G1Size];
        EncodeG1(p, b);
        return b;
    }

    /// <summary>Writes x.c1‖x.c0‖y.c1‖y.c0 (zeros for infinity) into the first 128 bytes of <paramref name="dest"/>.</summary>
    /// <exception cref="ArgumentException">dest is shorter than 128 bytes.</exception>
    public static void EncodeG2(in G2Affine q, Span<byte> dest)
    {
        if (dest.Length < G2Size) throw new ArgumentException($"G2 encoding needs {G2Size} bytes, got {dest.Length}", nameof(dest));
        q.X.C1.WriteBigEndian(dest[..32]);
        q.X.C0.WriteBigEndian(dest.Slice(32, 32));
        q.Y.C1.WriteBigEndian(dest.Slice(64, 32));
        q.Y.C0.WriteBigEndian(dest.Slice(96, 32));
    }

    /// <summary>The 128-byte encoding x.c1‖x.c0‖y.c1‖y.c0.</summary>
    public static byte[] EncodeG2(in G2Affine q)
    {
        var b = new byte[G2Size];
        EncodeG2(q, b);
        return b;
    }

    /// <summary>
    /// Decodes a G1 point from exactly 64 bytes, accepting it only if both coordinates are below p
    /// and the point is on the curve (or all zeros, the point at infinity). Never throws.
    /// </summary>
    /// <param name="src">The encoding (must be exactly 64 bytes).</param>
    /// <param name="p">The point, or infinity on failure.</param>
    /// <param name="error">Why decoding failed, or null.</param>
    public static bool TryDecodeG1(ReadOnlySpan<byte> src, out G1Affine p, out string? error)
    {
        p = G1Affine.Infinity;
        if (src.Length != G1Size) { error = $"G1 point must be {G1Size} bytes, got {src.Length}"; return false; }
        if (!Fq.TryFromBytesBigEndian(src[..32], out var x)) { error = "G1 x coordinate is not below the field modulus p"; return false; }
        if (!Fq.TryFromBytesBigEndian(src.Slice(32, 32), out var y)) { error = "G1 y coordinate is not below the field modulus p"; return false; }
        var pt = new G1Affine(x, y);
        if (!pt.IsOnCurve) { error = "G1 point is not on the curve y² = x³ + 3"; return false; }
        p = pt;
        error = null;
        return true;
    }

    /// <summary>Decodes a G1 point (see <see cref="TryDecodeG1"/>).</summary>
    /// <exception cref="FormatException">The bytes are not a valid G1 encoding; the message says why.</exception>
    public static G1Affine DecodeG1(ReadOnlySpan<byte> src) =>
        TryDecodeG1(src, out var p, out var err) ? p : throw new FormatException(err);

    /// <summary>
    /// Decodes a G2 point from exactly 128 bytes, accepting it only if all four coordinates are below
    /// p, the point is on the twist and it lies in the order-r subgroup (or all zeros). Never throws.
    /// </summary>
    /// <param name="src">The encoding (must be exactly 128 bytes).</param>
    /// <param name="q">The point, or infinity on failure.</param>
    /// <param name="error">Why decoding failed, or null.</param>
    public static bool TryDecodeG2(ReadOnlySpan<byte> src, out G2Affine q, out string? error)
    {
        q = G2Affine.Infinity;
        if (src.Length != G2Size) { error = $"G2 point must be {G2Size} bytes, got {src.Length}"; return false; }
        if (!Fq.TryFromBytesBigEndian(src[..32], out var xi)
            || !Fq.TryFromBytesBigEndian(src.Slice(32, 32), out var xr)
            || !Fq.TryFromBytesBigEndian(src.Slice(64, 32), out var yi)
            || !Fq.TryFromBytesBigEndian(src.Slice(96, 32), out var yr))
        {
            error = "a G2 coordinate is not below the field modulus p";
            return false;
        }
        var pt = new G2Affine(new Fq2(xr, xi), new Fq2(yr, yi));
        if (!pt.IsOnCurve) { error = "G2 point is not on the twist curve y² = x³ + 3/(9+u)"; return false; }
        if (!pt.IsInSubgroup) { error = "G2 point is not in the order-r subgroup"; return false; }
        q = pt;
        error = null;
        return true;
    }

    /// <summary>Decodes a G2 point (see <see cref="TryDecodeG2"/>).</summary>
    /// <exception cref="FormatException">The bytes are not a valid G2 encoding; the message says why.</exception>
    public static G2Affine DecodeG2(ReadOnlySpan<byte> src) =>
        TryDecodeG2(src, out var q, out var err) ? q : throw new FormatException(err);
}

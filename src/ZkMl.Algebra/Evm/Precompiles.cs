namespace ZkMl.Algebra.Evm;

/// <summary>
/// The BN254 precompiles of the EVM with their exact input/output semantics: 0x06 ecAdd, 0x07 ecMul
/// (EIP-196) and 0x08 ecPairing (EIP-197; gas repriced in EIP-1108, gas is not modelled here).
/// A failed call returns false and an empty output, as the EVM reports a failed precompile call.
/// </summary>
public static class Precompiles
{
    /// <summary>Address of ecAdd.</summary>
    public const string EcAddAddress = "0x0000000000000000000000000000000000000006";

    /// <summary>Address of ecMul.</summary>
    public const string EcMulAddress = "0x0000000000000000000000000000000000000007";

    /// <summary>Address of ecPairing.</summary>
    public const string EcPairingAddress = "0x0000000000000000000000000000000000000008";

    /// <summary>
    /// ecAdd: the input is right-padded with zeros to 128 bytes (longer input is truncated), read as two
    /// G1 points; output is the 64-byte encoding of their sum. Fails on a coordinate ≥ p or a point
    /// off the curve.
    /// </summary>
    public static bool TryEcAdd(ReadOnlySpan<byte> input, out byte[] output)
    {
        Span<byte> buf = stackalloc byte[128];
        Pad(input, buf);
        if (!EvmEncoding.TryDecodeG1(buf[..64], out var a, out _) || !EvmEncoding.TryDecodeG1(buf[64..], out var b, out _))
        {
            output = [];
            return false;
        }
        G1Jacobian.AddMixed(G1Jacobian.FromAffine(a), b, out var s);
        output = EvmEncoding.EncodeG1(s.ToAffine());
        return true;
    }

    /// <summary>
    /// ecMul: the input is right-padded with zeros to 96 bytes (longer input is truncated), read as a
    /// G1 point and a full 256-bit big-endian scalar (not reduced by the encoding); output is the
    /// 64-byte encoding of [s]P. Fails on a coordinate ≥ p or a point off the curve.
    /// </summary>
    public static bool TryEcMul(ReadOnlySpan<byte> input, out byte[] output)
    {
        Span<byte> buf = stackalloc byte[96];
        Pad(input, buf);
        if (!EvmEncoding.TryDecodeG1(buf[..64], out var p, out _))
        {
            output = [];
            return false;
        }
        var s = buf[64..];
        ReadOnlySpan<ulong> limbs =
        [
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(s[24..]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(s[16..]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(s[8..]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(s),
        ];
        G1Jacobian.ScalarMul(G1Jacobian.FromAffine(p), limbs, out var r);
        output = EvmEncoding.EncodeG1(r.ToAffine());
        return true;
    }

    /// <summary>
    /// ecPairing: the input length must be a multiple of 192 (each chunk a 64-byte G1 point and a
    /// 128-byte G2 point); output is 32 bytes holding 1 if Π e(P_i, Q_i) = 1 and 0 otherwise (empty
    /// input gives 1). Fails on a bad length, a coordinate ≥ p, a point off its curve, or a G2 point
    /// outside the order-r subgroup.
    /// </summary>
    public static bool TryEcPairing(ReadOnlySpan<byte> input, out byte[] output)
    {
        output = [];
        if (input.Length % 192 != 0) return false;
        int n = input.Length / 192;
        var ps = new G1Affine[n];
        var qs = new G2Affine[n];
        for (int i = 0; i < n; i++)
        {
            var chunk = input.Slice(192 * i, 192);
            if (!EvmEncoding.TryDecodeG1(chunk[..64], out ps[i], out _)) return false;
            if (!EvmEncoding.TryDecodeG2(chunk[64..], out qs[i], out _)) return false;
        }
        output = new byte[32];
        if (Pairing.CheckProduct(ps, qs)) output[31] = 1;
        return true;
    }

    private static void Pad(ReadOnlySpan<byte> input, Span<byte> buf)
    {
        buf.Clear();
        input[..Math.Min(input.Length, buf.Length)].CopyTo(buf);
    }
}

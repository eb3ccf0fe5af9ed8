using System.Numerics;
using ZkMl.Proofs.Hashing;

namespace ZkMl.Evm.Signing;

/// <summary>An EIP-1559 (type 2) transaction to sign; access lists are always empty here.</summary>
/// <param name="ChainId">The chain id (EIP-155 replay protection).</param>
/// <param name="Nonce">The sender's transaction count.</param>
/// <param name="MaxPriorityFeePerGas">Tip per gas, in wei.</param>
/// <param name="MaxFeePerGas">Maximum total fee per gas, in wei.</param>
/// <param name="GasLimit">The gas limit.</param>
/// <param name="To">The recipient, or null to create a contract.</param>
/// <param name="Value">Wei sent along.</param>
/// <param name="Data">Calldata or creation code.</param>
public sealed record Eip1559Transaction(ulong ChainId, ulong Nonce, BigInteger MaxPriorityFeePerGas, BigInteger MaxFeePerGas,
    ulong GasLimit, string? To, BigInteger Value, byte[] Data);

/// <summary>
/// A secp256k1 private key that signs Ethereum transactions locally, for nodes that have no
/// unlocked account (a user's own RPC endpoint). Keep keys out of source control; the signing
/// code is not constant-time (see <see cref="Secp256k1"/>).
/// </summary>
public sealed class EthereumKey
{
    private readonly BigInteger _d;

    private EthereumKey(BigInteger d)
    {
        _d = d;
        var q = Secp256k1.PublicKey(d);
        var pub = new byte[64];
        Secp256k1.ToBytes32(q.X).CopyTo(pub, 0);
        Secp256k1.ToBytes32(q.Y).CopyTo(pub, 32);
        PublicKey = pub;
        Address = EvmHex.Encode(Keccak256.Hash(pub).AsSpan(12));
    }

    /// <summary>The uncompressed public key x‖y (64 bytes, big-endian).</summary>
    public byte[] PublicKey { get; }

    /// <summary>The account address: the last 20 bytes of Keccak-256 of the public key (lower-case, 0x-prefixed).</summary>
    public string Address { get; }

    /// <summary>Loads a private key from 64 hex digits ("0x" optional).</summary>
    /// <exception cref="FormatException">when it is not 32 bytes of hex or not in [1, n).</exception>
    public static EthereumKey FromPrivateKey(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        byte[] b;
        try { b = EvmHex.Decode(hex); }
        catch (FormatException) { throw new FormatException("private key: expected 0x followed by 64 hex digits"); }
        if (b.Length != 32) throw new FormatException($"private key: expected 32 bytes, got {b.Length}");
        var d = new BigInteger(b, isUnsigned: true, isBigEndian: true);
        if (d.IsZero || d >= Secp256k1.N) throw new FormatException("private key: must be in [1, n) of secp256k1");
        return new EthereumKey(d);
    }

    /// <summary>Signs a 32-byte hash: r‖s‖v with v = recovery id (0 or 1), s ≤ n/2, deterministic nonce (RFC 6979).</summary>
    /// <exception cref="ArgumentException">unless the hash is 32 bytes.</exception>
    public byte[] SignHash(ReadOnlySpan<byte> hash32)
    {
        var (r, s, v) = Secp256k1.Sign(hash32, _d);
        return [.. Secp256k1.ToBytes32(r), .. Secp256k1.ToBytes32(s), (byte)v];
    }

    /// <summary>
    /// The signed raw transaction for <c>eth_sendRawTransaction</c>:
    /// 0x02 ‖ rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data, [], yParity, r, s]) (EIP-1559, EIP-2718).
    /// </summary>
    public byte[] SignTransaction(Eip1559Transaction tx)
    {
        ArgumentNullException.ThrowIfNull(tx);
        var fields = Fields(tx);
        byte[] unsigned = [0x02, .. Rlp.List(fields)];
        var (r, s, v) = Secp256k1.Sign(Keccak256.Hash(unsigned), _d);
        return [0x02, .. Rlp.List([.. fields, Rlp.Integer(v), Rlp.Integer(r), Rlp.Integer(s)])];
    }

    /// <summary>The hash a node reports for a signed raw transaction: Keccak-256 of its bytes.</summary>
    public static string TransactionHash(ReadOnlySpan<byte> rawTransaction) => EvmHex.Encode(Keccak256.Hash(rawTransaction));

    internal static bool VerifyHashSignature(ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> signature65, ReadOnlySpan<byte> publicKey64)
    {
        var r = new BigInteger(signature65[..32], isUnsigned: true, isBigEndian: true);
        var s = new BigInteger(signature65[32..64], isUnsigned: true, isBigEndian: true);
        var q = Secp256k1.Recover(hash32, r, s, signature65[64]);
        return q is { } p && Secp256k1.ToBytes32(p.X).AsSpan().SequenceEqual(publicKey64[..32])
            && Secp256k1.ToBytes32(p.Y).AsSpan().SequenceEqual(publicKey64[32..]);
    }

    private static byte[][] Fields(Eip1559Transaction tx) =>
    [
        Rlp.Integer(tx.ChainId),
        Rlp.Integer(tx.Nonce),
        Rlp.Integer(tx.MaxPriorityFeePerGas),
        Rlp.Integer(tx.MaxFeePerGas),
        Rlp.Integer(tx.GasLimit),
        Rlp.String(tx.To is null ? [] : EvmHex.Decode(EvmHex.NormalizeAddress(tx.To))),
        Rlp.Integer(tx.Value),
        Rlp.String(tx.Data),
        Rlp.List(),
    ];
}

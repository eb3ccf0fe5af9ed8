using System.Numerics;
using System.Security.Cryptography;

namespace ZkMl.Evm.Signing;

/// <summary>
/// secp256k1 ECDSA as Ethereum uses it (SEC 2; deterministic nonces per RFC 6979 with
/// HMAC-SHA256; low-s per EIP-2; a recovery bit). Plain <see cref="BigInteger"/> affine
/// arithmetic: slow (milliseconds per signature) and not constant-time, which is acceptable
/// for signing a few deployment/verification transactions from a local tool.
/// </summary>
internal static class Secp256k1
{
    internal static readonly BigInteger P = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F", System.Globalization.NumberStyles.HexNumber);
    internal static readonly BigInteger N = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);
    private static readonly BigInteger Gx = BigInteger.Parse("079BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798", System.Globalization.NumberStyles.HexNumber);
    private static readonly BigInteger Gy = BigInteger.Parse("0483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8", System.Globalization.NumberStyles.HexNumber);

    internal readonly record struct Point(BigInteger X, BigInteger Y, bool Infinity)
    {
        internal static Point AtInfinity => new(0, 0, true);
    }

    internal static Point G => new(Gx, Gy, false);

    internal static bool IsOnCurve(Point a) =>
        a.Infinity || (a.X >= 0 && a.X < P && a.Y >= 0 && a.Y < P && Mod(a.Y * a.Y - a.X * a.X * a.X - 7, P).IsZero);

    internal static Point Add(Point a, Point b)
    {
        if (a.Infinity) return b;
        if (b.Infinity) return a;
        BigInteger lambda;
        if (a.X == b.X)
        {
            if (Mod(a.Y + b.Y, P).IsZero) return Point.AtInfinity;
            lambda = Mod(3 * a.X * a.X * Inverse(2 * a.Y, P), P);
        }
        else
        {
            lambda = Mod((b.Y - a.Y) * Inverse(b.X - a.X, P), P);
        }
        var x = Mod(lambda * lambda - a.X - b.X, P);
        var y = Mod(lambda * (a.X - x) - a.Y, P);
        return new Point(x, y, false);
    }

    internal static Point Multiply(Point a, BigInteger k)
    {
        k = Mod(k, N);
        if (a.Infinity || k.IsZero) return Point.AtInfinity;
        // Jacobian coordinates (x = X/Z², y = Y/Z³): one inversion at the end instead of one per step.
        var acc = (X: BigInteger.One, Y: BigInteger.One, Z: BigInteger.Zero);
        var b = (X: a.X, Y: a.Y, Z: BigInteger.One);
        for (int i = (int)k.GetBitLength() - 1; i >= 0; i--)
        {
            acc = JacobianDouble(acc);
            if (!((k >> i) & 1).IsZero) acc = JacobianAdd(acc, b);
        }
        if (acc.Z.IsZero) return Point.AtInfinity;
        var zi = Inverse(acc.Z, P);
        var zi2 = zi * zi % P;
        return new Point(acc.X * zi2 % P, acc.Y * zi2 % P * zi % P, false);
    }

    private static (BigInteger X, BigInteger Y, BigInteger Z) JacobianDouble((BigInteger X, BigInteger Y, BigInteger Z) p)
    {
        if (p.Z.IsZero || p.Y.IsZero) return (BigInteger.One, BigInteger.One, BigInteger.Zero);
        var a = p.X * p.X % P;
        var b = p.Y * p.Y % P;
        var c = b * b % P;
        var xb = p.X + b;
        var d = Mod(2 * (xb * xb - a - c), P);
        var e = 3 * a % P;
        var f = e * e % P;
        var x3 = Mod(f - 2 * d, P);
        var y3 = Mod(e * (d - x3) - 8 * c, P);
        var z3 = 2 * p.Y * p.Z % P;
        return (x3, y3, z3);
    }

    private static (BigInteger X, BigInteger Y, BigInteger Z) JacobianAdd((BigInteger X, BigInteger Y, BigInteger Z) p, (BigInteger X, BigInteger Y, BigInteger Z) q)
    {
        if (p.Z.IsZero) return q;
        if (q.Z.IsZero) return p;
        var z1z1 = p.Z * p.Z % P;
        var z2z2 = q.Z * q.Z % P;
        var u1 = p.X * z2z2 % P;
        var u2 = q.X * z1z1 % P;
        var s1 = p.Y * q.Z % P * z2z2 % P;
        var s2 = q.Y * p.Z % P * z1z1 % P;
        if (u1 == u2) return s1 == s2 ? JacobianDouble(p) : (BigInteger.One, BigInteger.One, BigInteger.Zero);
        var h = Mod(u2 - u1, P);
        var i = 4 * h * h % P;
        var j = h * i % P;
        var r = Mod(2 * (s2 - s1), P);
        var v = u1 * i % P;
        var x3 = Mod(r * r - j - 2 * v, P);
        var y3 = Mod(r * (v - x3) - 2 * s1 * j, P);
        var zs = p.Z + q.Z;
        var z3 = Mod((zs * zs - z1z1 - z2z2) * h, P);
        return (x3, y3, z3);
    }

    /// <summary>The public key d·G of a private key 1 ≤ d &lt; n.</summary>
    internal static Point PublicKey(BigInteger d) => Multiply(G, d);

    /// <summary>Signs a 32-byte hash: (r, s, recovery id) with s ≤ n/2.</summary>
    internal static (BigInteger R, BigInteger S, int RecoveryId) Sign(ReadOnlySpan<byte> hash32, BigInteger d)
    {
        if (hash32.Length != 32) throw new ArgumentException("ECDSA here signs 32-byte hashes", nameof(hash32));
        var z = new BigInteger(hash32, isUnsigned: true, isBigEndian: true);
        foreach (var k in Rfc6979Nonces(hash32, d))
        {
            var rp = Multiply(G, k);
            var r = Mod(rp.X, N);
            if (r.IsZero || rp.X >= N) continue; // the second case (x ≥ n) has probability ~2^-128 and no yParity encoding
            var s = Mod(Inverse(k, N) * (z + r * d), N);
            if (s.IsZero) continue;
            int recovery = rp.Y.IsEven ? 0 : 1;
            if (s > N / 2)
            {
                s = N - s;
                recovery ^= 1;
            }
            return (r, s, recovery);
        }
        throw new InvalidOperationException("unreachable: RFC 6979 nonce stream ended");
    }

    /// <summary>Recovers the public key from a signature (r, s, recovery id) over a 32-byte hash; null if none.</summary>
    internal static Point? Recover(ReadOnlySpan<byte> hash32, BigInteger r, BigInteger s, int recoveryId)
    {
        if (r <= 0 || r >= N || s <= 0 || s >= N || recoveryId is not (0 or 1)) return null;
        var x = r;
        var alpha = Mod(x * x * x + 7, P);
        var beta = BigInteger.ModPow(alpha, (P + 1) / 4, P);
        if (Mod(beta * beta - alpha, P) != 0) return null;
        var y = (beta.IsEven == (recoveryId == 0)) ? beta : P - beta;
        var rPoint = new Point(x, y, false);
        var z = new BigInteger(hash32, isUnsigned: true, isBigEndian: true);
        var rInv = Inverse(r, N);
        var q = Add(Multiply(rPoint, Mod(s * rInv, N)), Multiply(G, Mod(-z * rInv, N)));
        return q.Infinity ? null : q;
    }

    private static IEnumerable<BigInteger> Rfc6979Nonces(ReadOnlySpan<byte> hash32, BigInteger d)
    {
        byte[] x = ToBytes32(d);
        byte[] h = ToBytes32(Mod(new BigInteger(hash32, isUnsigned: true, isBigEndian: true), N));
        return Stream(x, h);

        static IEnumerable<BigInteger> Stream(byte[] x, byte[] h)
        {
            var v = Enumerable.Repeat((byte)1, 32).ToArray();
            var k = new byte[32];
            k = HMACSHA256.HashData(k, (byte[])[.. v, 0x00, .. x, .. h]);
            v = HMACSHA256.HashData(k, v);
            k = HMACSHA256.HashData(k, (byte[])[.. v, 0x01, .. x, .. h]);
            v = HMACSHA256.HashData(k, v);
            while (true)
            {
                v = HMACSHA256.HashData(k, v);
                var candidate = new BigInteger(v, isUnsigned: true, isBigEndian: true);
                if (candidate >= 1 && candidate < N) yield return candidate;
                k = HMACSHA256.HashData(k, (byte[])[.. v, 0x00]);
                v = HMACSHA256.HashData(k, v);
            }
        }
    }

    internal static byte[] ToBytes32(BigInteger v)
    {
        var b = new byte[32];
        v.TryWriteBytes(b.AsSpan(32 - v.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        return b;
    }

    private static BigInteger Mod(BigInteger a, BigInteger m)
    {
        var r = BigInteger.Remainder(a, m);
        return r.Sign < 0 ? r + m : r;
    }

    private static BigInteger Inverse(BigInteger a, BigInteger m) => BigInteger.ModPow(Mod(a, m), m - 2, m);
}

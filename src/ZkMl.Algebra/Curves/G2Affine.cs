using System.Globalization;
using System.Numerics;

namespace ZkMl.Algebra;

/// <summary>
/// A point of the BN254 sextic twist E'(F_p²): y² = x³ + 3/ξ (ξ = 9 + u), in affine coordinates.
/// G2 is the order-r subgroup of E'(F_p²); the twist has a large cofactor, so untrusted points need
/// both <see cref="IsOnCurve"/> and <see cref="IsInSubgroup"/>.
/// </summary>
/// <remarks>The point at infinity is stored as (0, 0) (not on the curve), as in its EVM encoding (EIP-197).</remarks>
public readonly struct G2Affine : IEquatable<G2Affine>
{
    /// <summary>The x coordinate (zero for infinity).</summary>
    public readonly Fq2 X;

    /// <summary>The y coordinate (zero for infinity).</summary>
    public readonly Fq2 Y;

    /// <summary>Creates (x, y) without validation.</summary>
    public G2Affine(in Fq2 x, in Fq2 y) { X = x; Y = y; }

    private static readonly Fq2 BValue = Fq2.Xi.Inverse() * new Fq2(Fq.FromUInt64(3), Fq.Zero);

    /// <summary>The twist coefficient b' = 3/ξ.</summary>
    public static Fq2 B => BValue;

    private static readonly G2Affine Gen = new(
        new Fq2(Dec("10857046999023057135944570762232829481370756359578518086990519993285655852781"),
                Dec("11559732032986387107991004021392285783925812861821192530917403151452391805634")),
        new Fq2(Dec("8495653923123431417604973247489272438418190587263600148770280649306958101930"),
                Dec("4082367875863433681332203403145435568316851327593401208105741076214120093531")));

    private static Fq Dec(string s) => Fq.FromBigInteger(BigInteger.Parse(s, CultureInfo.InvariantCulture));

    /// <summary>The standard generator of G2 (EIP-197).</summary>
    public static G2Affine Generator => Gen;

    /// <summary>The point at infinity, encoded as (0, 0).</summary>
    public static G2Affine Infinity => default;

    /// <summary>True for the point at infinity.</summary>
    public bool IsInfinity => X.IsZero && Y.IsZero;

    /// <summary>True if this is infinity or satisfies y² = x³ + 3/ξ.</summary>
    public bool IsOnCurve
    {
        get
        {
            if (IsInfinity) return true;
            Fq2.Square(Y, out var y2);
            Fq2.Square(X, out var x2);
            Fq2.Mul(x2, X, out var x3);
            Fq2.Add(x3, BValue, out x3);
            return y2 == x3;
        }
    }

    /// <summary>
    /// True if the point (assumed on the curve) lies in the order-r subgroup G2. Uses the test
    /// [x+1]Q + ψ([x]Q) + ψ²([x]Q) = ψ³([2x]Q) with ψ the untwist–Frobenius–twist endomorphism
    /// (El Housni, Guillevic, Piellard, "Co-factor clearing and subgroup membership testing on
    /// pairing-friendly curves", eprint 2022/352, §5), which needs one 63-bit scalar multiplication
    /// instead of the 254-bit [r]Q; tests check it against [r]Q = O.
    /// </summary>
    public bool IsInSubgroup
    {
        get
        {
            if (IsInfinity) return true;
            var q = G2Jacobian.FromAffine(this);
            ReadOnlySpan<ulong> x = [Pairing.X];
            G2Jacobian.ScalarMul(q, x, out var xq);
            G2Jacobian.Add(xq, q, out var lhs);
            var p1 = Psi(xq);
            var p2 = Psi(p1);
            G2Jacobian.Add(lhs, p1, out lhs);
            G2Jacobian.Add(lhs, p2, out lhs);
            var rhs = Psi(p2).Double(); // ψ³([2x]Q) = [2]ψ³([x]Q)
            return lhs == rhs;
        }
    }

    /// <summary>The reference membership test [r]Q = O (254-bit scalar multiplication).</summary>
    internal bool IsInSubgroupByOrder
    {
        get
        {
            if (IsInfinity) return true;
            var r = Fr.Modulus;
            Span<ulong> limbs = stackalloc ulong[4];
            for (int i = 0; i < 4; i++) limbs[i] = (ulong)((r >> (64 * i)) & ulong.MaxValue);
            G2Jacobian.ScalarMul(G2Jacobian.FromAffine(this), limbs, out var q);
            return q.IsInfinity;
        }
    }

    /// <summary>ψ(X : Y : Z) = (X̄·ξ^((p−1)/3) : Ȳ·ξ^((p−1)/2) : Z̄) on Jacobian coordinates.</summary>
    internal static G2Jacobian Psi(in G2Jacobian q)
    {
        Fq2.Conjugate(q.X, out var x);
        Fq2.Conjugate(q.Y, out var y);
        Fq2.Conjugate(q.Z, out var z);
        Fq2.Mul(x, Pairing.FrobX, out x);
        Fq2.Mul(y, Pairing.FrobY, out y);
        return new G2Jacobian(x, y, z);
    }

    /// <summary>−Q = (x, −y).</summary>
    public G2Affine Negate()
    {
        Fq2.Neg(Y, out var ny);
        return new G2Affine(X, ny);
    }

    /// <summary>−Q.</summary>
    public static G2Affine operator -(in G2Affine p) => p.Negate();

    /// <summary>P + Q.</summary>
    public static G2Affine operator +(in G2Affine p, in G2Affine q)
    {
        G2Jacobian.AddMixed(G2Jacobian.FromAffine(p), q, out var r);
        return r.ToAffine();
    }

    /// <summary>[k]Q for k in F_r.</summary>
    public static G2Affine operator *(in Fr k, in G2Affine p) => G2Jacobian.FromAffine(p).ScalarMul(k).ToAffine();

    /// <summary>Coordinate equality.</summary>
    public static bool operator ==(in G2Affine a, in G2Affine b) => a.X == b.X && a.Y == b.Y;

    /// <summary>Coordinate inequality.</summary>
    public static bool operator !=(in G2Affine a, in G2Affine b) => !(a == b);

    /// <inheritdoc/>
    public bool Equals(G2Affine other) => this == other;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is G2Affine o && this == o;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(X, Y);

    /// <summary>"(x, y)" or "O".</summary>
    public override string ToString() => IsInfinity ? "O" : $"({X}, {Y})";
}

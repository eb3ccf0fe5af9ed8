namespace ZkMl.Algebra;

/// <summary>
/// A point of G1, the BN254 curve E(F_p): y² = x³ + 3, in affine coordinates. G1 has prime order
/// r (the <see cref="Fr"/> modulus) and cofactor 1, so every point on the curve is in G1.
/// </summary>
/// <remarks>
/// The point at infinity is stored as (0, 0), which is not on the curve (0 ≠ 3); this is also its
/// EVM encoding (EIP-196). The constructor does not validate; use <see cref="IsOnCurve"/> on
/// untrusted input.
/// </remarks>
public readonly struct G1Affine : IEquatable<G1Affine>
{
    /// <summary>The x coordinate (zero for the point at infinity).</summary>
    public readonly Fq X;

    /// <summary>The y coordinate (zero for the point at infinity).</summary>
    public readonly Fq Y;

    /// <summary>Creates the point (x, y) without checking that it lies on the curve.</summary>
    public G1Affine(in Fq x, in Fq y) { X = x; Y = y; }

    /// <summary>The coefficient b = 3 of y² = x³ + b.</summary>
    public static Fq B => Fq.FromUInt64(3);

    /// <summary>The standard generator (1, 2).</summary>
    public static G1Affine Generator => new(Fq.One, Fq.FromUInt64(2));

    /// <summary>The point at infinity (the group identity), encoded as (0, 0).</summary>
    public static G1Affine Infinity => default;

    /// <summary>True for the point at infinity.</summary>
    public bool IsInfinity => X.IsZero && Y.IsZero;

    /// <summary>True if this is the point at infinity or satisfies y² = x³ + 3 (hence lies in G1).</summary>
    public bool IsOnCurve
    {
        get
        {
            if (IsInfinity) return true;
            Fq.Square(Y, out var y2);
            Fq.Square(X, out var x2);
            Fq.Mul(x2, X, out var x3);
            Fq.Add(x3, B, out x3);
            return y2 == x3;
        }
    }

    /// <summary>−P = (x, −y); infinity stays infinity.</summary>
    public G1Affine Negate()
    {
        Fq.Neg(Y, out var ny);
        return new G1Affine(X, ny);
    }

    /// <summary>−P.</summary>
    public static G1Affine operator -(in G1Affine p) => p.Negate();

    /// <summary>P + Q (through Jacobian coordinates; one inversion).</summary>
    public static G1Affine operator +(in G1Affine p, in G1Affine q)
    {
        G1Jacobian.AddMixed(G1Jacobian.FromAffine(p), q, out var r);
        return r.ToAffine();
    }

    /// <summary>[k]P for a scalar in F_r.</summary>
    public static G1Affine operator *(in Fr k, in G1Affine p) => G1Jacobian.FromAffine(p).ScalarMul(k).ToAffine();

    /// <summary>Coordinate equality (affine representation is unique).</summary>
    public static bool operator ==(in G1Affine a, in G1Affine b) => a.X == b.X && a.Y == b.Y;

    /// <summary>Coordinate inequality.</summary>
    public static bool operator !=(in G1Affine a, in G1Affine b) => !(a == b);

    /// <inheritdoc/>
    public bool Equals(G1Affine other) => this == other;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is G1Affine o && this == o;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(X, Y);

    /// <summary>"(x, y)" in decimal, or "O" for infinity.</summary>
    public override string ToString() => IsInfinity ? "O" : $"({X}, {Y})";
}

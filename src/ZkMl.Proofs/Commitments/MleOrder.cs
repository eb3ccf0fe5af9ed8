using ZkMl.Algebra;

namespace ZkMl.Proofs.Commitments;

/// <summary>
/// The project's multilinear bit order as the commitment code uses it: which coordinate of an
/// evaluation point belongs to which bit of a vector index (docs/protocol.md, "Multilinear conventions").
/// </summary>
internal static class MleOrder
{
    /// <summary>
    /// The coordinate of <paramref name="point"/> (ℓ coordinates) that multiplies index bit
    /// <paramref name="bit"/> (bit 0 = least significant bit of the index).
    /// </summary>
    public static Fr CoordinateOfBit(ReadOnlySpan<Fr> point, int bit) => point[PointIndexOfBit(point.Length, bit)];

    /// <summary>The position, in a point of <paramref name="numVars"/> coordinates, of the coordinate of index bit <paramref name="bit"/>.</summary>
    public static int PointIndexOfBit(int numVars, int bit) => numVars - 1 - bit;
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ZkMl.Algebra;

/// <summary>The four-lane AVX2 part of the limb-form additions that the template does not cover: the loads and stores of the points.</summary>
internal static partial class AffineBatchAvx2
{
    /// <summary>
    /// The x and y of the bucket and the pending point of additions k0 … k0 + 3 in limb form (lanes past count repeat addition
    /// k0); <paramref name="yp"/> may be a null reference (not needed).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Load(Span<G1Affine> bucket, ReadOnlySpan<int> pendIdx, ReadOnlySpan<G1Affine> pendPt, bool pointsByBucket,
        int k0, int count, ref Vector256<ulong> xq, ref Vector256<ulong> yq, ref Vector256<ulong> xp, ref Vector256<ulong> yp)
    {
        int i0 = pendIdx[k0], i1 = pendIdx[k0 + 1 < count ? k0 + 1 : k0], i2 = pendIdx[k0 + 2 < count ? k0 + 2 : k0], i3 = pendIdx[k0 + 3 < count ? k0 + 3 : k0];
        ref var q0 = ref Words(ref bucket[i0]);
        ref var q1 = ref Words(ref bucket[i1]);
        ref var q2 = ref Words(ref bucket[i2]);
        ref var q3 = ref Words(ref bucket[i3]);
        if (!pointsByBucket)
        {
            i0 = k0; i1 = k0 + 1 < count ? k0 + 1 : k0; i2 = k0 + 2 < count ? k0 + 2 : k0; i3 = k0 + 3 < count ? k0 + 3 : k0;
        }
        ref var p0 = ref Words(ref Unsafe.AsRef(in pendPt[i0]));
        ref var p1 = ref Words(ref Unsafe.AsRef(in pendPt[i1]));
        ref var p2 = ref Words(ref Unsafe.AsRef(in pendPt[i2]));
        ref var p3 = ref Words(ref Unsafe.AsRef(in pendPt[i3]));
        ToLimbs(ref q0, ref q1, ref q2, ref q3, 0, ref xq);
        ToLimbs(ref q0, ref q1, ref q2, ref q3, 4, ref yq);
        ToLimbs(ref p0, ref p1, ref p2, ref p3, 0, ref xp);
        if (!Unsafe.IsNullRef(ref yp)) ToLimbs(ref p0, ref p1, ref p2, ref p3, 4, ref yp);
    }

    /// <summary>
    /// The limb form of the four elements at word offset <paramref name="at"/> (0: x, 4: y) of four points: transposed to
    /// limb-major 64-bit words, then cut into 29-bit limbs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ToLimbs(ref ulong e0, ref ulong e1, ref ulong e2, ref ulong e3, int at, ref Vector256<ulong> r)
    {
        Mont29Avx2<FqBatch.Modulus>.TransposeRows4(Vector256.LoadUnsafe(ref e0, (nuint)at), Vector256.LoadUnsafe(ref e1, (nuint)at),
            Vector256.LoadUnsafe(ref e2, (nuint)at), Vector256.LoadUnsafe(ref e3, (nuint)at),
            out var a0, out var a1, out var a2, out var a3);
        Mont29Avx2<FqBatch.Modulus>.Split29(a0, a1, a2, a3, out r, out Unsafe.Add(ref r, 1), out Unsafe.Add(ref r, 2), out Unsafe.Add(ref r, 3), out Unsafe.Add(ref r, 4),
            out Unsafe.Add(ref r, 5), out Unsafe.Add(ref r, 6), out Unsafe.Add(ref r, 7), out Unsafe.Add(ref r, 8));
    }

    /// <summary>Four canonical elements from limb form, each as the vector of its four 64-bit words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FromLimbs(ref Vector256<ulong> t, out Vector256<ulong> e0, out Vector256<ulong> e1, out Vector256<ulong> e2, out Vector256<ulong> e3)
    {
        Mont29Avx2<FqBatch.Modulus>.Join29(t, Unsafe.Add(ref t, 1), Unsafe.Add(ref t, 2), Unsafe.Add(ref t, 3), Unsafe.Add(ref t, 4), Unsafe.Add(ref t, 5),
            Unsafe.Add(ref t, 6), Unsafe.Add(ref t, 7), Unsafe.Add(ref t, 8), out var w0, out var w1, out var w2, out var w3);
        Mont29Avx2<FqBatch.Modulus>.TransposeRows4(w0, w1, w2, w3, out e0, out e1, out e2, out e3);
    }

    /// <summary>The four lanes of a normalised limb-form value below 2^256 as elements (their stored limbs, not reduced).</summary>
    private static void ToElements(ref Vector256<ulong> v, Span<Fq> dst)
    {
        FromLimbs(ref v, out var e0, out var e1, out var e2, out var e3);
        e0.StoreUnsafe(ref Unsafe.As<Fq, ulong>(ref dst[0]));
        e1.StoreUnsafe(ref Unsafe.As<Fq, ulong>(ref dst[1]));
        e2.StoreUnsafe(ref Unsafe.As<Fq, ulong>(ref dst[2]));
        e3.StoreUnsafe(ref Unsafe.As<Fq, ulong>(ref dst[3]));
    }
}

using System.Security.Cryptography;
using System.Text;
using ZkMl.Compiler.Model;

namespace ZkMl.Compiler.Quantization;

/// <summary>
/// The <c>.zkc</c> circuit file (docs/circuit-format.md): magic "ZKMLCIRC", format version (u32),
/// content length (u64), content (little-endian fields), SHA-256 of the content (32 bytes). A circuit of dense
/// layers only is written as version 1 (byte for byte what earlier builds wrote, so its digest and every key
/// made from it are unchanged); a circuit with conv or pooling layers as version 2, whose layers also carry
/// their kind and geometry; a zero-knowledge circuit as version 3 (version 2's layout after three flag bytes:
/// zk, inputVisibility, inputRangeCheck). Every version loads.
/// </summary>
public static class CircuitFile
{
    /// <summary>The 8 magic bytes at the start of a .zkc file.</summary>
    public static ReadOnlySpan<byte> Magic => "ZKMLCIRC"u8;

    /// <summary>The version of a (non-ZK) circuit with conv or pooling layers.</summary>
    public const uint FormatVersion = 2;

    /// <summary>The version of a circuit of dense layers only (still written for those, and read).</summary>
    public const uint DenseFormatVersion = 1;

    /// <summary>The version of a zero-knowledge circuit (<see cref="Circuit.Zk"/>): version 2's content after the three flag bytes.</summary>
    public const uint ZkFormatVersion = 3;

    /// <summary>The newest format version this build reads.</summary>
    public const uint NewestFormatVersion = ZkFormatVersion;

    /// <summary>The version <paramref name="circuit"/> is written as: 3 for a zero-knowledge circuit, else 1 for dense layers only, 2 with conv or pooling layers.</summary>
    public static uint VersionOf(Circuit circuit)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        return circuit.Zk.Zk ? ZkFormatVersion : circuit.HasSpatialLayers ? FormatVersion : DenseFormatVersion;
    }

    /// <summary>Writes the circuit to <paramref name="path"/> atomically (temp file + rename).</summary>
    public static void Save(Circuit circuit, string path)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ZkMl.Algebra.IO.AtomicFile.WriteAllBytes(path, ToBytes(circuit));
    }

    /// <summary>The complete file bytes.</summary>
    public static byte[] ToBytes(Circuit circuit)
    {
        byte[] content = Content(circuit);
        using var ms = new MemoryStream();
        ms.Write(Magic);
        using var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true);
        w.Write(VersionOf(circuit));
        w.Write((ulong)content.Length);
        w.Write(content);
        w.Write(SHA256.HashData(content));
        w.Flush();
        return ms.ToArray();
    }

    internal static byte[] ComputeDigest(Circuit c) => SHA256.HashData(Content(c));

    /// <summary>The domain prefix of the public-circuit digest (so it never equals a full digest).</summary>
    private static ReadOnlySpan<byte> PublicDomain => "ZKMLCIRC/public-circuit/v1"u8;

    /// <summary>
    /// SHA-256 of the public circuit (docs/circuit-format.md "Public-circuit digest"): a domain string, the format
    /// version, then <see cref="Content"/> written without the tensors (no weights, biases, per-column Z bounds or
    /// activation-table values; the table's qMin and size stay).
    /// </summary>
    internal static byte[] ComputePublicDigest(Circuit c)
    {
        using var ms = new MemoryStream();
        ms.Write(PublicDomain);
        using var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true);
        w.Write(VersionOf(c));
        w.Write(Content(c, withTensors: false));
        w.Flush();
        return SHA256.HashData(ms.ToArray());
    }

    private static byte[] Content(Circuit c, bool withTensors = true)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms, Encoding.UTF8);
        bool v2 = c.HasSpatialLayers || c.Zk.Zk;
        if (c.Zk.Zk)
        {
            w.Write((byte)1);
            w.Write((byte)c.Zk.Inputs);
            w.Write(c.Zk.InputRangeCheck ? (byte)1 : (byte)0);
        }
        w.Write(c.Name ?? "");
        w.Write(c.WeightBits);
        w.Write(c.ActBits);
        w.Write(c.LimbBits);
        w.Write(c.InputSize);
        w.Write(c.InputScale);
        w.Write(c.Layers.Count);
        foreach (var l in c.Layers)
        {
            if (v2)
            {
                w.Write((int)l.Kind);
                if (l.Geometry is { } g)
                    foreach (int v in (int[])[g.InC, g.InH, g.InW, g.OutC, g.KH, g.KW, g.StrideH, g.StrideW, g.PadTop, g.PadLeft, g.PadBottom, g.PadRight]) w.Write(v);
            }
            w.Write(l.Name ?? "");
            w.Write(l.IsOutput);
            w.Write(l.InputSize);
            w.Write(l.OutputSize);
            w.Write((int)l.Activation);
            w.Write(l.InputScale);
            w.Write(l.WeightScale);
            w.Write(l.QScale);
            w.Write(l.OutputScale);
            w.Write(l.Multiplier);
            w.Write(l.Shift);
            w.Write(l.LimbCount);
            w.Write(l.ZBound);
            w.Write(l.AMin);
            w.Write(l.AMax);
            if (withTensors)
            {
                foreach (long v in l.WeightData) w.Write(v);
                foreach (long v in l.BiasData) w.Write(v);
                foreach (long v in l.ZMinData) w.Write(v);
                foreach (long v in l.ZMaxData) w.Write(v);
            }
            if (l.Table != null)
            {
                var t = l.Table;
                w.Write(t.QMin);
                w.Write(t.Size);
                if (withTensors) foreach (long v in t.ValueData) w.Write(v);
            }
        }
        w.Flush();
        return ms.ToArray();
    }

    /// <summary>Loads a .zkc file.</summary>
    /// <exception cref="ModelFormatException">Missing, truncated, corrupt (digest mismatch) or other-version file; the message says which.</exception>
    public static Circuit Load(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new ModelFormatException($"{path}: cannot read ({e.Message})", e); }
        return FromBytes(bytes, path);
    }

    /// <summary>Parses .zkc bytes; <paramref name="source"/> names them in messages.</summary>
    /// <exception cref="ModelFormatException">See <see cref="Load"/>.</exception>
    public static Circuit FromBytes(ReadOnlySpan<byte> bytes, string source = "circuit.zkc")
    {
        const int header = 8 + 4 + 8;
        if (bytes.Length < 8 || !bytes[..8].SequenceEqual(Magic))
            throw new ModelFormatException($"{source}: not a ZkMl circuit file (missing 'ZKMLCIRC' magic)");
        if (bytes.Length < header)
            throw new ModelFormatException($"{source}: truncated circuit file ({bytes.Length} bytes, header needs {header})");
        uint version = BitConverter.ToUInt32(bytes[8..12]);
        if (version is not (DenseFormatVersion or FormatVersion or ZkFormatVersion))
            throw new ModelFormatException($"{source}: circuit format version {version}, this build reads versions {DenseFormatVersion}–{NewestFormatVersion}; recompile the model with this zkml");
        ulong len = BitConverter.ToUInt64(bytes[12..20]);
        if (len > (ulong)(bytes.Length - header) || (ulong)bytes.Length - header - len < 32)
            throw new ModelFormatException($"{source}: truncated circuit file (content length {len}, file has {bytes.Length} bytes)");
        if ((ulong)bytes.Length != header + len + 32)
            throw new ModelFormatException($"{source}: {(ulong)bytes.Length - header - len - 32} unexpected trailing bytes");
        var content = bytes.Slice(header, (int)len);
        var digest = bytes.Slice(header + (int)len, 32);
        if (!SHA256.HashData(content).AsSpan().SequenceEqual(digest))
            throw new ModelFormatException($"{source}: corrupt circuit file (SHA-256 digest mismatch)");
        try
        {
            return ReadContent(content.ToArray(), source, version);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or OverflowException or OutOfMemoryException or InvalidOperationException or FormatException)
        {
            throw new ModelFormatException($"{source}: malformed circuit content ({e.Message})", e);
        }
    }

    private static Circuit ReadContent(byte[] content, string source, uint version)
    {
        using var r = new BinaryReader(new MemoryStream(content), Encoding.UTF8);
        void Check(bool ok, string what) { if (!ok) throw new ModelFormatException($"{source}: invalid circuit: {what}"); }
        var zk = ZkSettings.None;
        if (version == ZkFormatVersion)
        {
            byte zkByte = r.ReadByte(), vis = r.ReadByte(), rc = r.ReadByte();
            Check(zkByte == 1, $"zk flag {zkByte} (a version-3 circuit is zero-knowledge: expected 1)");
            Check(vis <= 1, $"inputVisibility {vis} (expected 0 = public or 1 = private)");
            Check(rc <= 1, $"inputRangeCheck {rc} (expected 0 = off or 1 = on)");
            zk = new ZkSettings(true, (InputVisibility)vis, rc == 1);
            Check(zk.Problem() is null, $"inputRangeCheck {rc} with inputVisibility {vis}: {zk.Problem()}");
        }
        string name = r.ReadString();
        int wb = r.ReadInt32(), ab = r.ReadInt32(), lb = r.ReadInt32();
        int inputSize = r.ReadInt32();
        double inputScale = r.ReadDouble();
        int n = r.ReadInt32();
        Check(wb is >= 2 and <= 16 && ab is >= 2 and <= 16 && lb is >= 1 and <= 16, "bit widths out of range");
        Check(inputSize > 0 && n is > 0 and <= 1024 && double.IsFinite(inputScale) && inputScale > 0, "bad input size, scale or layer count");
        var layers = new List<CircuitLayer>();
        int prev = inputSize;
        IReadOnlyList<int> prevShape = [inputSize];
        long remaining() => content.Length - r.BaseStream.Position;
        for (int li = 0; li < n; li++)
        {
            var kind = LayerKind.Dense;
            Conv2dGeometry? geo = null;
            if (version >= FormatVersion)
            {
                int kv = r.ReadInt32();
                Check(Enum.IsDefined((LayerKind)kv), $"layer {li}: kind {kv}");
                kind = (LayerKind)kv;
                if (kind != LayerKind.Dense)
                {
                    var gi = new int[12];
                    for (int i = 0; i < gi.Length; i++) gi[i] = r.ReadInt32();
                    geo = new Conv2dGeometry(gi[0], gi[1], gi[2], gi[3], gi[4], gi[5], gi[6], gi[7], gi[8], gi[9], gi[10], gi[11]);
                    Check(geo.Problem() is null, $"layer {li}: geometry ({geo.Problem()})");
                    Check(kind == LayerKind.Conv || geo.OutC == geo.InC, $"layer {li}: pooling changes the channels");
                    Check(!zk.Zk, $"layer {li}: a {kind} layer in a zero-knowledge circuit (not yet supported)");
                    if (li == 0) prevShape = [geo.InC, geo.InH, geo.InW];
                }
            }
            string lname = r.ReadString();
            bool isOut = r.ReadBoolean();
            int ins = r.ReadInt32(), outs = r.ReadInt32();
            int act = r.ReadInt32();
            double sIn = r.ReadDouble(), sW = r.ReadDouble(), sQ = r.ReadDouble(), sOut = r.ReadDouble();
            long m = r.ReadInt64();
            int k = r.ReadInt32(), limbs = r.ReadInt32();
            long zb = r.ReadInt64(), amin = r.ReadInt64(), amax = r.ReadInt64();
            Check(isOut == (li == n - 1), $"layer {li}: output flag");
            Check(ins == prev && outs > 0 && (geo != null || (long)ins * outs <= remaining() / 8), $"layer {li}: shape [{ins}, {outs}]");
            Check(geo == null || (ins == geo.InputSize && outs == geo.OutputSize), $"layer {li}: shape [{ins}, {outs}] differs from its geometry {geo}");
            Check(Enum.IsDefined((Activation)act), $"layer {li}: activation {act}");
            // A layer has a table iff it is hidden or the output layer of a proven final activation.
            bool tabled = kind != LayerKind.MaxPool && (!isOut || ((Activation)act).IsTabled());
            Check(kind != LayerKind.MaxPool || (Activation)act is Activation.None or Activation.Softmax, $"layer {li}: a max pool with an activation");
            Check(isOut || ((Activation)act) != Activation.Softmax, $"layer {li}: softmax on a hidden layer");
            Check(!isOut || m != 0 || !((Activation)act).IsTabled(),
                $"layer {li}: a final {((Activation)act).ToName()} without a table was applied outside the proof by older builds; recompile the model (the final activation is now proven)");
            Check(tabled ? (m > 0 && k > 0 && k % lb == 0 && limbs == k / lb && k <= 62) : (m == 0 && k == 0 && limbs == 0), $"layer {li}: multiplier/shift");
            long wCount = kind switch { LayerKind.Dense => (long)ins * outs, LayerKind.Conv => (long)geo!.OutC * geo.InC * geo.KH * geo.KW, _ => 0 };
            int perLayer = geo?.OutC ?? outs;
            var wd = ReadLongs(r, wCount);
            var bd = ReadLongs(r, kind is LayerKind.Dense or LayerKind.Conv ? perLayer : 0);
            var zmin = ReadLongs(r, perLayer);
            var zmax = ReadLongs(r, perLayer);
            ActivationTable? table = null;
            if (tabled)
            {
                long qmin = r.ReadInt64();
                int size = r.ReadInt32();
                Check(size > 0 && size * 8L <= remaining(), $"layer {li}: table size {size}");
                table = new ActivationTable((Activation)act, qmin, ReadLongs(r, size));
            }
            layers.Add(new CircuitLayer
            {
                Index = li, IsOutput = isOut, InputSize = ins, OutputSize = outs, Activation = (Activation)act,
                Kind = kind, Geometry = geo, InputShape = prevShape,
                InputScale = sIn, WeightScale = sW, QScale = sQ, OutputScale = sOut, Multiplier = m, Shift = k, LimbCount = limbs,
                ZBound = zb, AMin = amin, AMax = amax, Table = table, Name = lname.Length == 0 ? null : lname,
                WeightData = wd, BiasData = bd, ZMinData = zmin, ZMaxData = zmax,
            });
            prev = outs;
            prevShape = layers[^1].OutputShape;
        }
        Check(r.BaseStream.Position == content.Length, "trailing content bytes");
        CheckBounds(layers, (1L << (ab - 1)) - 1, (1L << (wb - 1)) - 1, Check);
        return new Circuit(name.Length == 0 ? null : name, wb, ab, lb, inputSize, inputScale, layers, zk);
    }

    /// <summary>
    /// Re-derives the proven bounds from the stored integers, so a loaded circuit is internally
    /// consistent: weights within their bits, Z bounds equal to the interval bounds, every table covering
    /// its Q range and the stored A range.
    /// </summary>
    private static void CheckBounds(List<CircuitLayer> layers, long qa, long qw, Action<bool, string> check)
    {
        long lo = -qa, hi = qa;
        foreach (var l in layers)
        {
            var g = l.Geometry;
            int m = l.ZMinData.Length;
            foreach (long w in l.WeightData) check(Math.Abs(w) <= qw, $"layer {l.Index}: weight outside ±{qw}");
            if (l.Kind == LayerKind.MaxPool)
            {
                // The maximum of values in [lo, hi] lies in [lo, hi]; nothing is requantized.
                for (int j = 0; j < m; j++) check(l.ZMinData[j] == lo && l.ZMaxData[j] == hi, $"layer {l.Index}: stored max-pool bounds of channel {j} differ from its input range");
                check(l.ZBound == Math.Max(Math.Abs(lo), Math.Abs(hi)) && l.AMin == lo && l.AMax == hi && l.Multiplier == 0 && l.Shift == 0 && l.LimbCount == 0, $"layer {l.Index}: max-pool range");
                if (l.IsOutput) break;
                continue;
            }
            long zAbs = 0;
            for (int j = 0; j < m; j++)
            {
                Int128 zl, zh;
                switch (l.Kind)
                {
                    case LayerKind.Dense:
                        zl = l.BiasData[j]; zh = l.BiasData[j];
                        for (int i = 0; i < l.InputSize; i++)
                        {
                            long w = l.WeightData[(long)i * m + j];
                            Int128 p1 = (Int128)w * lo, p2 = (Int128)w * hi;
                            zl += Int128.Min(p1, p2);
                            zh += Int128.Max(p1, p2);
                        }
                        break;
                    case LayerKind.Conv:
                    {
                        zl = l.BiasData[j]; zh = l.BiasData[j];
                        int per = g!.InC * g.KH * g.KW;
                        for (int e = 0; e < per; e++)
                        {
                            long w = l.WeightData[(long)j * per + e];
                            Int128 p1 = (Int128)w * lo, p2 = (Int128)w * hi;
                            Int128 tl = Int128.Min(p1, p2), th = Int128.Max(p1, p2);
                            if (g.Padded) { tl = Int128.Min(tl, 0); th = Int128.Max(th, 0); }
                            zl += tl;
                            zh += th;
                        }
                        break;
                    }
                    default: // average pool: the window sum
                        zl = (Int128)g!.Window * lo; zh = (Int128)g.Window * hi;
                        if (g.Padded) { zl = Int128.Min(zl, 0); zh = Int128.Max(zh, 0); }
                        break;
                }
                check(zl == l.ZMinData[j] && zh == l.ZMaxData[j], $"layer {l.Index}: stored Z bounds of {(l.Kind == LayerKind.Dense ? "column" : "channel")} {j} differ from the weights");
                zAbs = Math.Max(zAbs, Math.Max(Math.Abs(l.ZMinData[j]), Math.Abs(l.ZMaxData[j])));
            }
            check(zAbs == l.ZBound, $"layer {l.Index}: stored |Z| bound differs");
            check(Bits((Int128)zAbs * Math.Max(l.Multiplier, 1) + ((Int128)1 << l.Shift)) < CircuitCompiler.ProductBits, $"layer {l.Index}: Z·M too large");
            if (l.Table == null) break;
            var t = l.Table;
            for (int j = 0; j < m; j++)
            {
                check(CircuitCompiler.Requantize(l.ZMinData[j], l.Multiplier, l.Shift) >= t.QMin
                      && CircuitCompiler.Requantize(l.ZMaxData[j], l.Multiplier, l.Shift) <= t.QMax, $"layer {l.Index}: table does not cover Q of {(l.Kind == LayerKind.Dense ? "column" : "channel")} {j}");
            }
            check(t.QMin <= 0 && t.QMax >= 0, $"layer {l.Index}: table domain misses 0");
            check(t.ValueData.Min() == l.AMin && t.ValueData.Max() == l.AMax && l.AMin >= -qa && l.AMax <= qa, $"layer {l.Index}: A range");
            lo = l.AMin;
            hi = l.AMax;
        }
    }

    private static int Bits(Int128 v) => v <= 0 ? 0 : 128 - (int)Int128.LeadingZeroCount(v);

    private static long[] ReadLongs(BinaryReader r, long count)
    {
        if (count < 0 || count > (r.BaseStream.Length - r.BaseStream.Position) / 8) throw new EndOfStreamException("array runs past the end");
        var a = new long[count];
        for (long i = 0; i < count; i++) a[i] = r.ReadInt64();
        return a;
    }
}

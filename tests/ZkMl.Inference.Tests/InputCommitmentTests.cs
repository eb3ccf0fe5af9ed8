using System.Buffers.Binary;
using System.Security.Cryptography;
using ZkMl.Algebra;
using ZkMl.Algebra.Evm;
using ZkMl.Proofs;
using ZkMl.Proofs.Commitments;

namespace ZkMl.Inference.Tests;

/// <summary>
/// Input commitments of private inputs (docs/zk-design.md §6 and §11 step 10, the files of its "File formats" table;
/// docs/protocol.md "Private inputs"): the layout of X′, the hiding commitment, the opening check, both file formats with
/// every field corrupted, and fresh blinding per commitment.
/// </summary>
public class InputCommitmentTests
{
    private static Srs Srs => InferenceFixtures.Srs;

    /// <summary>Three rows of five int8 values: Bp = 4, rowWidth 8.</summary>
    private static readonly long[][] Rows = [[1, -2, 3, -127, 127], [0, 5, -6, 7, 8], [-9, 10, 11, -12, 13]];

    private static readonly Lazy<(InputCommitment C, InputOpening O)> Made = new(() => InputCommitment.Commit(Srs, 8, 5, 1, Rows));

    [Fact]
    public void The_commitment_is_the_hiding_commitment_of_X_prime_and_round_trips()
    {
        var (c, o) = Made.Value;
        Assert.Equal((3, 4, 8, 5), (c.BatchSize, c.PaddedBatch, c.RowWidth, c.InputSize));
        // X′ built here independently: rows 0 … 2, then row 0 again (Bp = 4), zeros in columns 5 … 7, column by column
        // (entry col·Bp + row): the real entries are the prefix [0, 5·4).
        var x = new long[32];
        long[][] padded = [Rows[0], Rows[1], Rows[2], Rows[0]];
        for (int r = 0; r < 4; r++) for (int k = 0; k < 5; k++) x[4 * k + r] = padded[r][k];
        Assert.Equal(x, InputCommitment.Layout(Rows, 8, 5));
        var expected = (G1Jacobian.FromAffine(Srs.BlindingBase!.Value).ScalarMul(o.Blinding) + HyperKzg.CommitSmall(Srs, x)).ToAffine();
        Assert.Equal(expected, c.Commitment);
        // the fingerprint is SHA-256(H ‖ [τ]₂)
        Assert.Equal(SHA256.HashData([.. EvmEncoding.EncodeG1(Srs.BlindingBase!.Value), .. EvmEncoding.EncodeG2(Srs.TauG2)]), c.SrsFingerprint);
        Assert.True(c.Check(o, Srs).IsValid);
        Assert.True(o.Holds(Rows).IsValid);

        var c2 = InputCommitment.FromBytes(c.ToBytes());
        Assert.Equal(c.ToBytes(), c2.ToBytes());
        Assert.Equal(InputCommitment.ByteLength, c.ToBytes().Length);
        var o2 = InputOpening.FromBytes(o.ToBytes());
        Assert.Equal(o.ToBytes(), o2.ToBytes());
        Assert.Equal(o.CommitmentDigest, SHA256.HashData(c.ToBytes()));
        Assert.True(c2.Check(o2, Srs).IsValid);
        // (secrets never in a message)
        Assert.DoesNotContain("127", o.ToString());
        Assert.DoesNotContain(o.Blinding.ToString(), o.ToString() + c.ToString());
    }

    [Fact]
    public void Wider_values_round_trip_with_their_byte_width()
    {
        long[][] rows = [[300, -40000], [1L << 40, -(1L << 40)]];
        var (c, o) = InputCommitment.Commit(Srs, 2, 2, 8, rows);
        var back = InputOpening.FromBytes(o.ToBytes());
        Assert.Equal(rows, back.Rows());
        Assert.True(c.Check(back, Srs).IsValid);
        var (c2, o2) = InputCommitment.Commit(Srs, 4, 2, 2, [[300, -32768]]);
        Assert.Equal([300L, -32768L], InputOpening.FromBytes(o2.ToBytes()).Values.ToArray());
        Assert.True(c2.Check(o2, Srs).IsValid);
        Assert.Contains("row 0, column 0", Assert.Throws<ArgumentException>(() => InputCommitment.Commit(Srs, 4, 2, 1, [[128, 0]])).Message);
    }

    [Fact]
    public void Two_commitments_of_the_same_input_differ()
    {
        var (c1, o1) = InputCommitment.Commit(Srs, 8, 5, 1, Rows);
        var (c2, o2) = InputCommitment.Commit(Srs, 8, 5, 1, Rows);
        Assert.NotEqual(c1.Commitment, c2.Commitment);
        Assert.NotEqual(o1.Blinding, o2.Blinding);
        Assert.True(c1.Check(o1, Srs).IsValid);
        Assert.True(c2.Check(o2, Srs).IsValid);
        // each opening names its own commitment file
        Assert.Contains("another input commitment", c1.Check(o2, Srs).Reason);
    }

    [Fact]
    public void An_opening_of_a_different_input_is_rejected()
    {
        var (c, o) = Made.Value;
        var values = o.Values.ToArray();
        values[7] += 1; // row 1, column 2
        var other = new InputOpening(o.CommitmentDigest, 3, 5, 1, values, o.Blinding);
        Assert.Contains("C_X does not open", c.Check(other, Srs).Reason);
        // the same values with another blinding
        var blinding = new InputOpening(o.CommitmentDigest, 3, 5, 1, o.Values.ToArray(), o.Blinding + Fr.One);
        Assert.Contains("C_X does not open", c.Check(blinding, Srs).Reason);
        // Holds: the rows someone claims were committed
        long[][] changed = [Rows[0], [0, 5, -5, 7, 8], Rows[2]];
        Assert.Contains("row 1, column 2 differs", o.Holds(changed).Reason);
        Assert.Contains("2 row(s), the opening B = 3", o.Holds(Rows[..2]).Reason);
        // an opening of a padded row's values (rows 0 … 2 and the copy of row 0 are what C_X holds; row 3 is not part of the opening)
        Assert.Contains("differs", o.Holds([Rows[0], Rows[1], Rows[0]]).Reason);
    }

    [Fact]
    public void Wrong_B_or_inputSize_in_the_opening_is_rejected()
    {
        var (c, o) = Made.Value;
        var two = new InputOpening(o.CommitmentDigest, 2, 5, 1, o.Values[..10].ToArray(), o.Blinding);
        Assert.Contains("B = 2 rows, the commitment B = 3", c.Check(two, Srs).Reason);
        var narrow = new InputOpening(o.CommitmentDigest, 3, 4, 1, new long[12], o.Blinding);
        Assert.Contains("inputSize = 4, the commitment 5", c.Check(narrow, Srs).Reason);
    }

    [Fact]
    public void A_commitment_under_another_srs_is_rejected()
    {
        var (c, o) = Made.Value;
        var other = Srs.CreateInsecureDev(255, 12345);
        Assert.Contains("the SRS is not the commitment's", c.Check(o, other).Reason);
        // a file that claims the other SRS (resealed): the fingerprint then matches, the recomputation does not
        var claimed = new InputCommitment(InputCommitment.FingerprintOf(other), 3, 8, 5, c.Commitment);
        var reopened = new InputOpening(claimed.FileDigest, 3, 5, 1, o.Values.ToArray(), o.Blinding);
        Assert.Contains("C_X does not open", claimed.Check(reopened, other).Reason);
        // the same values committed under the other SRS do not open under this one
        var (c3, o3) = InputCommitment.Commit(other, 8, 5, 1, Rows);
        Assert.Contains("the SRS is not the commitment's", c3.Check(o3, Srs).Reason);
        Assert.True(c3.Check(o3, other).IsValid);
        // an SRS without the blinding base H
        var noH = Srs.FromBytes(Srs.Truncate(255).ToBytes(), "no-h");
        Assert.Contains("blinding base", Assert.Throws<ArgumentException>(() => InputCommitment.Commit(noH, 8, 5, 1, Rows)).Message);
        Assert.Contains("no blinding base", c.Check(o, noH).Reason);
    }

    [Fact]
    public void Bad_arguments_to_commit_are_refused()
    {
        Assert.Contains("B = 0", Assert.Throws<ArgumentException>(() => InputCommitment.Commit(Srs, 8, 5, 1, [])).Message);
        Assert.Contains("row 1 has 4 values", Assert.Throws<ArgumentException>(() => InputCommitment.Commit(Srs, 8, 5, 1, [Rows[0], [1, 2, 3, 4]])).Message);
        Assert.Contains("rowWidth = 6", Assert.Throws<ArgumentException>(() => InputCommitment.Commit(Srs, 6, 5, 1, Rows)).Message);
        Assert.Contains("inputSize = 5, expected 1 … rowWidth (4)", Assert.Throws<ArgumentException>(() => InputCommitment.Commit(Srs, 4, 5, 1, Rows)).Message);
        Assert.Contains("xBytes = 3", Assert.Throws<ArgumentException>(() => InputCommitment.Commit(Srs, 8, 5, 3, Rows)).Message);
        Assert.Contains("the input matrix needs", Assert.Throws<ArgumentException>(() => InputCommitment.Commit(Srs.CreateInsecureDev(15, 1), 8, 5, 1, Rows)).Message);
    }

    private static byte[] Reseal(byte[] b, Action<byte[]> edit)
    {
        var r = (byte[])b.Clone();
        edit(r);
        SHA256.HashData(r.AsSpan(0, r.Length - 32)).CopyTo(r, r.Length - 32);
        return r;
    }

    private static Action<byte[]> U32(int at, uint v) => b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), v);

    public static TheoryData<string, string> CommitCorruptions => new()
    {
        { "magic", "input.commit: not a ZkMl input commitment (bad magic" },
        { "version", "input commitment version 4, this zkml reads version 3 (made by a newer zkml?)" },
        { "version-old", "input commitment version 1, this zkml reads version 3 (version 1 is the row-major X′ of zkml before the column-major private input; re-run zkml commit-input)" },
        { "B-zero", "B = 0, expected 1 …" },
        { "B-huge", "B = 65537, expected 1 … 65536" },
        { "B-other", "Bp = 4, expected 8 (B = 5 rounded up" },
        { "Bp", "Bp = 8, expected 4" },
        { "rowWidth", "rowWidth = 12, expected a power of two" },
        { "rowWidth-small", "inputSize = 5, expected 1 … rowWidth (4)" },
        { "inputSize", "inputSize = 0, expected 1 … rowWidth (8)" },
        { "C_X", "C_X:" },
        { "digest", "corrupt: SHA-256 digest does not match" },
        { "truncated", "corrupt or truncated: 155 bytes, an input commitment has 156" },
        { "longer", "corrupt or truncated: 157 bytes" },
    };

    [Theory]
    [MemberData(nameof(CommitCorruptions))]
    public void Every_field_of_input_commit_is_checked_and_named(string field, string expected)
    {
        var b = Made.Value.C.ToBytes();
        byte[] bad = field switch
        {
            "magic" => Reseal(b, x => x[3] ^= 1),
            "version" => Reseal(b, U32(8, 4)),
            "version-old" => Reseal(b, U32(8, 1)),
            "B-zero" => Reseal(b, U32(44, 0)),
            "B-huge" => Reseal(b, U32(44, 65537)),
            "B-other" => Reseal(b, U32(44, 5)),
            "Bp" => Reseal(b, U32(48, 8)),
            "rowWidth" => Reseal(b, U32(52, 12)),
            "rowWidth-small" => Reseal(b, U32(52, 4)),
            "inputSize" => Reseal(b, U32(56, 0)),
            "C_X" => Reseal(b, x => x[60 + 63] ^= 1),
            "digest" => b.Select((v, i) => i == 50 ? (byte)(v ^ 1) : v).ToArray(),
            "truncated" => Reseal(b[..^1], _ => { }),
            "longer" => Reseal([.. b, 0], _ => { }),
            _ => throw new ArgumentException(field),
        };
        Assert.Contains(expected, Assert.Throws<InferenceFormatException>(() => InputCommitment.FromBytes(bad)).Message);
    }

    [Fact]
    public void Resealed_commitment_fields_that_parse_fail_the_opening_check()
    {
        var (c, o) = Made.Value;
        // fingerprint, B (another consistent shape), inputSize, C_X on the curve: the opening names the original file
        foreach (var edit in new Action<byte[]>[] { x => x[20] ^= 1, U32(44, 4), U32(56, 4), x => EvmEncoding.EncodeG1(Srs.G1Powers[2]).CopyTo(x, 60) })
        {
            var bad = InputCommitment.FromBytes(Reseal(c.ToBytes(), edit));
            Assert.Contains("another input commitment", bad.Check(o, Srs).Reason);
            // and with an opening that names the edited file, the shape or the recomputation fails
            var renamed = new InputOpening(bad.FileDigest, o.BatchSize, o.InputSize, o.XBytes, o.Values.ToArray(), o.Blinding);
            Assert.False(bad.Check(renamed, Srs).IsValid);
        }
    }

    public static TheoryData<string, string> OpeningCorruptions => new()
    {
        { "magic", "input.opening: not a ZkMl input opening (bad magic" },
        { "version", "input opening version 7, this zkml reads version 3" },
        { "version-old", "input opening version 1, this zkml reads version 3 (version 1 is the row-major X′" },
        { "halves", "halves = 3, expected 1 (one C_X) or 2 (a split X′)" },
        { "halves-2", "and 2 blinding(s) (expected" },
        { "B", "bytes for B = 4 rows" },
        { "B-zero", "B = 0, expected 1" },
        { "inputSize", "bytes for B = 3 rows of inputSize = 6" },
        { "inputSize-zero", "inputSize = 0, expected 1" },
        { "xBytes", "xBytes = 3, expected 1, 2, 4 or 8" },
        { "xBytes-2", "of xBytes = 2 and 1 blinding(s) (expected" },
        { "s_X", "s_X (the blinding) is not below the scalar field modulus r" },
        { "digest", "corrupt or truncated: SHA-256 digest" },
        { "truncated", "truncated: 100 bytes" },
    };

    [Theory]
    [MemberData(nameof(OpeningCorruptions))]
    public void Every_field_of_input_opening_is_checked_and_named(string field, string expected)
    {
        var b = Made.Value.O.ToBytes();
        int sx = 60 + 15; // after the 15 int8 values
        byte[] bad = field switch
        {
            "magic" => Reseal(b, x => x[7] ^= 1),
            "version" => Reseal(b, U32(8, 7)),
            "version-old" => Reseal(b, U32(8, 1)),
            "halves" => Reseal(b, U32(56, 3)),
            "halves-2" => Reseal(b, U32(56, 2)),
            "B" => Reseal(b, U32(44, 4)),
            "B-zero" => Reseal(b, U32(44, 0)),
            "inputSize" => Reseal(b, U32(48, 6)),
            "inputSize-zero" => Reseal(b, U32(48, 0)),
            "xBytes" => Reseal(b, U32(52, 3)),
            "xBytes-2" => Reseal(b, U32(52, 2)),
            "s_X" => Reseal(b, x => x.AsSpan(sx, 32).Fill(0xff)),
            "digest" => b.Select((v, i) => i == 60 ? (byte)(v ^ 1) : v).ToArray(),
            "truncated" => b[..100],
            _ => throw new ArgumentException(field),
        };
        Assert.Contains(expected, Assert.Throws<InferenceFormatException>(() => InputOpening.FromBytes(bad)).Message);
    }

    /// <summary>
    /// Version-2 files (before split inputs) of a shape that does not split are read: the commitment keeps its bytes (the opening
    /// names their digest) and opens; a version-2 commitment of a split shape (one point over 2^18 entries) is refused by name.
    /// </summary>
    [Fact]
    public void Version_2_files_of_unsplit_shapes_are_read_and_of_split_shapes_refused()
    {
        var (c, o) = Made.Value;
        Assert.False(c.IsSplit);
        var c2 = Reseal(c.ToBytes(), U32(8, 2));
        var back = InputCommitment.FromBytes(c2);
        Assert.Equal(c2, back.ToBytes());
        Assert.Equal(SHA256.HashData(c2), back.FileDigest);
        Assert.Equal(c.Commitment, back.Commitment);
        // the version-2 opening: no halves word, one blinding, naming the version-2 file
        var ob = o.ToBytes();
        var o2 = new byte[ob.Length - 4];
        ob.AsSpan(0, 56).CopyTo(o2);
        ob.AsSpan(60).CopyTo(o2.AsSpan(56));
        BinaryPrimitives.WriteUInt32LittleEndian(o2.AsSpan(8), 2);
        back.FileDigest.CopyTo(o2, 12);
        o2 = Reseal(o2, _ => { });
        var open2 = InputOpening.FromBytes(o2);
        Assert.Equal(o.Blinding, open2.Blinding);
        Assert.Null(open2.BlindingHigh);
        Assert.True(back.Check(open2, Srs).IsValid, back.Check(open2, Srs).Reason);
        Assert.Contains("another input commitment", c.Check(open2, Srs).Reason); // (it names the version-2 file's digest)
        // a version-2 file of 256 rows of 1024 (X′ of 2^18 entries: two halves in version 3)
        var split = Reseal(c2, x => { U32(44, 256)(x); U32(48, 256)(x); U32(52, 1024)(x); U32(56, 784)(x); });
        Assert.Contains("version 3 commits as two halves", Assert.Throws<InferenceFormatException>(() => InputCommitment.FromBytes(split)).Message);
    }

    [Fact]
    public void Resealed_opening_fields_that_parse_fail_the_check()
    {
        var (c, o) = Made.Value;
        var b = o.ToBytes();
        // the commitment digest, a value, the blinding (still < r)
        Assert.Contains("another input commitment", c.Check(InputOpening.FromBytes(Reseal(b, x => x[12] ^= 1)), Srs).Reason);
        Assert.Contains("C_X does not open", c.Check(InputOpening.FromBytes(Reseal(b, x => x[60 + 4] ^= 1)), Srs).Reason);
        Assert.Contains("C_X does not open", c.Check(InputOpening.FromBytes(Reseal(b, x => x[60 + 15 + 31] ^= 1)), Srs).Reason);
    }

    [Fact]
    public void Files_are_written_whole_and_read_back()
    {
        var (c, o) = Made.Value;
        string dir = Directory.CreateTempSubdirectory("zkml-input-commit-").FullName;
        try
        {
            string cp = Path.Combine(dir, "input.commit"), op = Path.Combine(dir, "input.opening");
            c.Save(cp);
            o.Save(op);
            Assert.Equal(2, Directory.GetFiles(dir).Length); // no temporary file left
            Assert.True(InputCommitment.Load(cp).Check(InputOpening.Load(op), Srs).IsValid);
            Assert.Contains("file not found", Assert.Throws<InferenceFormatException>(() => InputCommitment.Load(Path.Combine(dir, "none"))).Message);
            Assert.Contains($"{op}: not a ZkMl input commitment", Assert.Throws<InferenceFormatException>(() => InputCommitment.Load(op)).Message);
        }
        finally { Directory.Delete(dir, true); }
    }
}

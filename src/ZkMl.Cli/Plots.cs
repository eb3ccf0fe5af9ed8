using System.Globalization;
using ScottPlot;

namespace ZkMl.Cli;

/// <summary>
/// The PNG figures of <c>zkml accuracy --plot</c> and <c>zkml bench --plot</c> (ScottPlot over SkiaSharp; the
/// native Skia library comes from NuGet). Written with <see cref="CliHost.WriteAtomic"/>: temp file + rename.
/// </summary>
internal static class Plots
{
    // Skia's Linux build from NuGet (SkiaSharp.NativeAssets.Linux.NoDependencies) reads fonts from
    // /usr/share/fonts itself, without fontconfig; with none there the text would silently be missing.
    private static readonly Lazy<string?> Sans = new(() =>
    {
        using var fonts = SkiaSharp.SKFontManager.CreateDefault();
        var families = fonts.GetFontFamilies();
        string? name = new[] { "DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica" }.FirstOrDefault(f => families.Contains(f, StringComparer.OrdinalIgnoreCase));
        using var face = name is null ? SkiaSharp.SKTypeface.CreateDefault() : SkiaSharp.SKTypeface.FromFamilyName(name);
        if (face is null || face.GlyphCount == 0)
            throw new UserException("cannot draw the plot's text: SkiaSharp finds no font in /usr/share/fonts (install one, e.g. Debian's fonts-dejavu-core; scripts/setup.sh does)");
        return name;
    });

    private static Plot Styled(Plot p)
    {
        if (Sans.Value is { } name) p.Font.Set(name);
        return p;
    }

    /// <summary>One prove of the bench at one batch size: its wall time and its stages in order.</summary>
    public sealed record BenchPoint(int Batch, double ProveSeconds, IReadOnlyList<(string Stage, double Seconds)> Stages);

    /// <summary>Histogram of the output errors (dequantized int8 − float).</summary>
    public static byte[] ErrorHistogram(double[] errors, string title, string floatName, string? note = null)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var plot = Styled(new Plot());
        if (errors.Length > 0)
        {
            double lo = errors.Min(), hi = errors.Max();
            if (hi <= lo) { lo -= 0.5; hi += 0.5; }
            var hist = ScottPlot.Statistics.Histogram.WithBinCount(80, lo, hi);
            hist.AddRange(errors);
            var bars = plot.Add.Histogram(hist);
            bars.BarWidthFraction = 1.0;
        }
        if (note is not null)
        {
            var ann = plot.Add.Annotation(note, Alignment.UpperRight);
            ann.LabelBackgroundColor = Colors.White;
            ann.LabelBorderColor = Colors.Gray;
            ann.LabelShadowColor = Colors.Transparent;
        }
        plot.Title(title);
        plot.XLabel($"int8 output (dequantized) − float output ({floatName})");
        plot.YLabel("outputs");
        plot.Axes.Margins(bottom: 0);
        return plot.GetImageBytes(900, 500, ImageFormat.Png);
    }

    /// <summary>Left: the prover's stages stacked per batch size; right: prove time against batch size (log2 axis).</summary>
    public static byte[] BenchChart(IReadOnlyList<BenchPoint> points, string title)
    {
        ArgumentNullException.ThrowIfNull(points);
        var multi = new Multiplot();
        multi.AddPlots(2);
        multi.Layout = new ScottPlot.MultiplotLayouts.Columns();
        var stacked = Styled(multi.GetPlot(0));
        var line = Styled(multi.GetPlot(1));

        var stages = points.SelectMany(p => p.Stages.Select(s => s.Stage)).Distinct().ToArray();
        var palette = new ScottPlot.Palettes.Category20();
        var baseline = new double[points.Count];
        for (int s = 0; s < stages.Length; s++)
        {
            var bars = new List<Bar>();
            for (int i = 0; i < points.Count; i++)
            {
                double v = points[i].Stages.Where(x => x.Stage == stages[s]).Sum(x => x.Seconds);
                bars.Add(new Bar { Position = i, ValueBase = baseline[i], Value = baseline[i] + v, FillColor = palette.GetColor(s), Size = 0.6 });
                baseline[i] += v;
            }
            var bp = stacked.Add.Bars(bars);
            bp.LegendText = stages[s];
        }
        var ticks = points.Select((p, i) => new Tick(i, "B = " + p.Batch.ToString(CultureInfo.InvariantCulture))).ToArray();
        stacked.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        stacked.Axes.Margins(bottom: 0);
        stacked.YLabel("seconds");
        stacked.ShowLegend(Edge.Right);

        double[] xs = points.Select(p => Math.Log2(p.Batch)).ToArray();
        double[] ys = points.Select(p => p.ProveSeconds).ToArray();
        var sc = line.Add.Scatter(xs, ys);
        sc.MarkerSize = 8;
        sc.LineWidth = 2;
        for (int i = 0; i < points.Count; i++)
        {
            var t = line.Add.Text(ys[i].ToString("F3", CultureInfo.InvariantCulture) + " s", xs[i], ys[i]);
            t.LabelFontSize = 12;
            t.LabelOffsetY = -14;
            t.LabelAlignment = Alignment.LowerCenter;
        }
        line.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            points.Select(p => new Tick(Math.Log2(p.Batch), p.Batch.ToString(CultureInfo.InvariantCulture))).ToArray());
        line.Axes.Margins(0.1, 0.15);
        line.Axes.SetLimitsY(0, ys.Length == 0 ? 1 : ys.Max() * 1.2);
        line.Title("prove time (wall) against batch size");
        line.XLabel("batch size (log scale)");
        line.YLabel("seconds");

        stacked.Title(title + ": prove time by stage");
        return multi.Render(1500, 560).GetImageBytes(ImageFormat.Png, 100);
    }
}

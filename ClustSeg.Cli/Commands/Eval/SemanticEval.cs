using System.CommandLine;
using System.Globalization;
using ClustSeg.Cli.Output;
using ClustSeg.Runtime.Data;
using ClustSeg.Runtime.Data.Semantic;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Metrics;

namespace ClustSeg.Cli.Commands.Eval;

/// <summary>
/// `eval --task semantic`: mIoU from label PNGs. Every ground-truth PNG (searched recursively) needs a prediction at
/// the same relative path; values are class ids, 255 = ignore (ground-truth pixels with 255 are not scored).
/// </summary>
internal static class SemanticEval
{
    public static int Run(ParseResult parse, TextWriter output, TextWriter error)
    {
        var gtDir = EvalCommand.Need(parse, EvalCommand.GroundTruthDir, "semantic", "labels/");
        var predDir = EvalCommand.Need(parse, EvalCommand.PredictionDir, "semantic", "predicted/");
        var classes = parse.GetValue(EvalCommand.Classes);
        if (classes is < 1 or > 255)
            throw new ClustSegException($"--task semantic needs --classes N with N in 1..255 (got {classes}).", "Pass the number of classes, e.g. --classes 150.");
        var names = parse.GetValue(EvalCommand.ClassNames) is { } namesFile ? SemanticClassList.ReadLines(namesFile).Names : null;
        if (names is not null && names.Count != classes)
            throw new ClustSegException($"--class-names lists {names.Count} classes but --classes is {classes}.", "Make them agree.");
        var gtEncoding = parse.GetValue(EvalCommand.GroundTruthReduceZero) ? SemanticLabelEncoding.ReduceZero : SemanticLabelEncoding.Identity;
        return Evaluate(parse, gtDir, gtEncoding, predDir, classes, names, output, error);
    }

    /// <summary>Scores every ground-truth PNG under <paramref name="gtDir"/> against its prediction, prints and writes --json.</summary>
    public static int Evaluate(ParseResult parse, string gtDir, SemanticLabelEncoding gtEncoding, string predDir, int classes, IReadOnlyList<string>? names,
        TextWriter output, TextWriter error)
    {
        var (scores, images) = Score(gtDir, gtEncoding, predDir, classes, error);
        output.WriteLine($"semantic segmentation of {predDir} against {gtDir}, {images} images, {classes} classes");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mIoU {100 * scores.MeanIou:0.00}  pixel accuracy {100 * scores.PixelAccuracy:0.00}  mean class accuracy {100 * scores.MeanClassAccuracy:0.00}"));
        output.WriteLine("class name                     IoU    acc");
        for (var c = 0; c < classes; c++)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c,5} {(names is null ? "" : names[c]),-20} {Percent(scores.ClassIou[c]),7} {Percent(scores.ClassAccuracy[c]),6}"));

        EvalCommand.WriteJson(parse, new
        {
            task = "semantic",
            groundTruth = gtDir,
            predictions = predDir,
            images,
            classes,
            classNames = names,
            miou = EvalCommand.Number(scores.MeanIou),
            pixelAccuracy = EvalCommand.Number(scores.PixelAccuracy),
            meanClassAccuracy = EvalCommand.Number(scores.MeanClassAccuracy),
            classIou = scores.ClassIou.Select(EvalCommand.Number),
            classAccuracy = scores.ClassAccuracy.Select(EvalCommand.Number),
        });
        return 0;
    }

    /// <summary>
    /// Scores every ground-truth PNG under <paramref name="gtDir"/> against the prediction at the same relative path,
    /// with a progress bar on <paramref name="progress"/>.
    /// </summary>
    public static (SemanticSegmentationScores Scores, int Images) Score(string gtDir, SemanticLabelEncoding gtEncoding, string predDir, int classes, TextWriter progress)
    {
        if (!Directory.Exists(gtDir)) throw new DataFileException(gtDir, "the ground-truth label folder does not exist.");
        if (!Directory.Exists(predDir)) throw new DataFileException(predDir, "the prediction folder does not exist.");
        var files = Directory.EnumerateFiles(gtDir, "*.png", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(gtDir, f)).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new DataFileException(gtDir, "no .png label files found.");

        var matrix = new SemanticConfusionMatrix(classes);
        new ProgressBar("semantic", files.Count, progress).Run(advance =>
        {
            foreach (var file in files)
            {
                var predPath = Path.Combine(predDir, file);
                if (!File.Exists(predPath))
                    throw new DataFileException(predPath, $"no prediction for ground truth '{Path.Combine(gtDir, file)}'; every ground-truth PNG needs one at the same relative path.");
                var gt = SemanticLabelFolder.ReadLabels(Path.Combine(gtDir, file), classes, gtEncoding);
                var pred = SemanticLabelFolder.ReadLabels(predPath, classes, SemanticLabelEncoding.Identity);
                if (gt.Width != pred.Width || gt.Height != pred.Height)
                    throw new DataFileException(predPath, $"prediction is {pred.Width}x{pred.Height} but the ground truth is {gt.Width}x{gt.Height}.");
                matrix.Add(gt.Labels, pred.Labels, predPath);
                advance(file);
            }
        });
        return (matrix.Compute(), files.Count);
    }

    private static string Percent(double v) => double.IsNaN(v) ? "n/a" : (100 * v).ToString("0.00", CultureInfo.InvariantCulture);
}

using System.CommandLine;
using System.Globalization;
using ClustSeg.Cli.Output;
using ClustSeg.Runtime.Data;
using ClustSeg.Runtime.Data.Coco;
using ClustSeg.Runtime.Metrics;

namespace ClustSeg.Cli.Commands.Eval;

/// <summary>`eval --task panoptic`: PQ, SQ and RQ from COCO panoptic ground-truth and prediction files.</summary>
internal static class PanopticEval
{
    public static int Run(ParseResult parse, TextWriter output, TextWriter error)
    {
        var gtJson = EvalCommand.Need(parse, EvalCommand.GroundTruthJson, "panoptic", "panoptic_val.json");
        var predJson = EvalCommand.Need(parse, EvalCommand.PredictionJson, "panoptic", "predictions.json");
        return Evaluate(parse, gtJson, parse.GetValue(EvalCommand.GroundTruthDir), predJson, parse.GetValue(EvalCommand.PredictionDir), output, error);
    }

    /// <summary>Scores the given files, prints the table and writes --json.</summary>
    public static int Evaluate(ParseResult parse, string gtJson, string? gtDir, string predJson, string? predDir, TextWriter output, TextWriter error)
    {
        var (result, images) = Score(gtJson, gtDir, predJson, predDir, error);
        output.WriteLine($"panoptic quality of {predJson} against {gtJson}, {images} images");
        output.WriteLine("            PQ      SQ      RQ     N");
        foreach (var (name, score) in new[] { ("All", result.All), ("Things", result.Things), ("Stuff", result.Stuff) })
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-7} {100 * score.Pq,7:0.000} {100 * score.Sq,7:0.000} {100 * score.Rq,7:0.000} {score.N,5}"));
        output.WriteLine();
        output.WriteLine("  id name                 kind       PQ      SQ      RQ    TP    FP    FN");
        foreach (var c in result.PerClass)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.CategoryId,4} {Truncate(c.Name, 20),-20} {(c.IsThing ? "thing" : "stuff"),-6} {100 * c.Pq,7:0.000} {100 * c.Sq,7:0.000} {100 * c.Rq,7:0.000} {c.TruePositives,5} {c.FalsePositives,5} {c.FalseNegatives,5}"));

        EvalCommand.WriteJson(parse, new
        {
            task = "panoptic",
            groundTruth = gtJson,
            predictions = predJson,
            images,
            all = Score(result.All),
            things = Score(result.Things),
            stuff = Score(result.Stuff),
            perClass = result.PerClass.Select(c => new
            {
                id = c.CategoryId, name = c.Name, isthing = c.IsThing, pq = c.Pq, sq = c.Sq, rq = c.Rq,
                tp = c.TruePositives, fp = c.FalsePositives, fn = c.FalseNegatives,
            }),
        });
        return 0;
    }

    /// <summary>PQ of the prediction files against the ground truth, with a progress bar on <paramref name="progress"/>.</summary>
    public static (PanopticQualityResult Result, int Images) Score(string gtJson, string? gtDir, string predJson, string? predDir, TextWriter progress)
    {
        var groundTruth = CocoPanopticDataset.Load(gtJson, gtDir);
        if (groundTruth.Categories.Count == 0)
            throw new DataFileException(gtJson, "the ground truth has no \"categories\"; PQ needs them (with isthing).");
        var predictions = CocoPanopticDataset.Load(predJson, predDir, groundTruth.Categories);
        PanopticQualityResult result = null!;
        new ProgressBar("panoptic", groundTruth.Annotations.Count, progress).Run(advance =>
            result = PanopticEvaluator.Evaluate(groundTruth, predictions, (done, _) => advance($"{done} images")));
        return (result, groundTruth.Annotations.Count);
    }

    private static object Score(PanopticQualityScore s) => new { pq = EvalCommand.Number(s.Pq), sq = EvalCommand.Number(s.Sq), rq = EvalCommand.Number(s.Rq), n = s.N };

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "~";
}

using System.CommandLine;
using System.Globalization;
using ClustSeg.Runtime.Data.Coco;
using ClustSeg.Runtime.Metrics;

namespace ClustSeg.Cli.Commands.Eval;

/// <summary>`eval --task instance`: the 12 COCO mask AP/AR numbers of a results file, as COCOeval (segm).</summary>
internal static class InstanceEval
{
    private static readonly string[] Lines =
    [
        "Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ]",
        "Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ]",
        "Average Precision  (AP) @[ IoU=0.75      | area=   all | maxDets=100 ]",
        "Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ]",
        "Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ]",
        "Average Precision  (AP) @[ IoU=0.50:0.95 | area= large | maxDets=100 ]",
        "Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ]",
        "Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets= 10 ]",
        "Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ]",
        "Average Recall     (AR) @[ IoU=0.50:0.95 | area= small | maxDets=100 ]",
        "Average Recall     (AR) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ]",
        "Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ]",
    ];

    public static int Run(ParseResult parse, TextWriter output, TextWriter error)
    {
        var gtPath = EvalCommand.Need(parse, EvalCommand.GroundTruth, "instance", "instances_val.json");
        var predPath = EvalCommand.Need(parse, EvalCommand.Prediction, "instance", "results.json");
        return Evaluate(parse, gtPath, predPath, output, error);
    }

    /// <summary>Scores the given files, prints the 12 numbers and per-class AP, and writes --json.</summary>
    public static int Evaluate(ParseResult parse, string gtPath, string predPath, TextWriter output, TextWriter error)
    {
        error.WriteLine($"instance: reading {gtPath} and {predPath}");
        var (groundTruth, detections, evaluation) = Score(gtPath, predPath);
        var stats = evaluation.Stats;

        output.WriteLine($"mask AP of {predPath} ({detections.Count} detections) against {gtPath}, {groundTruth.Images.Count} images");
        for (var i = 0; i < stats.Count; i++)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $" {Lines[i]} = {stats[i]:0.000}"));
        output.WriteLine();
        output.WriteLine("  id name                      AP");
        var perClass = groundTruth.Categories.Select(c => (c.Id, c.Name, Ap: evaluation.CategoryAp(c.Id))).ToList();
        foreach (var (id, name, ap) in perClass)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{id,4} {name,-20} {(ap < 0 ? "   n/a" : ap.ToString("0.0000", CultureInfo.InvariantCulture)),8}"));

        EvalCommand.WriteJson(parse, new
        {
            task = "instance",
            groundTruth = gtPath,
            predictions = predPath,
            images = groundTruth.Images.Count,
            detections = detections.Count,
            stats = CocoMaskEvaluation.StatNames.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => stats[x.i]),
            perClass = perClass.Select(c => new { id = c.Id, name = c.Name, ap = c.Ap < 0 ? (double?)null : c.Ap }),
        });
        return 0;
    }

    /// <summary>Mask AP of a COCO results file against COCO instances ground truth.</summary>
    public static (CocoInstancesDataset GroundTruth, IReadOnlyList<CocoInstanceResult> Detections, CocoMaskEvaluation Evaluation) Score(string gtPath, string predPath)
    {
        var groundTruth = CocoInstancesDataset.Load(gtPath);
        var detections = CocoInstanceResults.Load(predPath, groundTruth);
        return (groundTruth, detections, CocoMaskEvaluator.Evaluate(groundTruth, detections));
    }
}

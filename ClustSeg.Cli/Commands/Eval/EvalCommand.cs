using System.CommandLine;
using System.Text.Json;
using ClustSeg.Runtime.Data;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Superpixels;

namespace ClustSeg.Cli.Commands.Eval;

/// <summary>`clustseg-cli eval`: scores predictions (or, for superpixels, the segmenter) with each task's standard metrics.</summary>
internal static class EvalCommand
{
    public static readonly Option<string> Task = new("--task", "-t")
    {
        Description = "Task to evaluate: superpixel, panoptic, instance or semantic.",
        DefaultValueFactory = _ => "superpixel",
    };

    public static readonly Option<string?> Data = new("--data")
    {
        Description = "superpixel: dataset as FORMAT:PATH, e.g. bsds500:../shared/data/bsds500; with --checkpoint: coco-panoptic, coco-instances, semantic or synth.",
    };
    public static readonly Option<string> Split = new("--split") { Description = "superpixel: dataset split.", DefaultValueFactory = _ => "val" };
    public static readonly Option<string> Counts = new("--superpixels", "-k")
    {
        Description = "superpixel: comma-separated superpixel counts to evaluate.",
        DefaultValueFactory = _ => "100,200,400,600,800,1200",
    };
    public static readonly Option<int> Limit = new("--limit") { Description = "superpixel: evaluate only the first N images (quick checks)." };
    public static readonly Option<float?> Compactness = new("--compactness")
    {
        Description = "superpixel: eta, weight of position against colour (larger is more compact); default: the checkpoint's, else 10.",
    };

    public static readonly Option<float> Smoothing = new("--smoothing")
    {
        Description = "superpixel: Gaussian sigma (pixels) applied to the colour features before clustering (0: none).",
        DefaultValueFactory = _ => new SuperpixelOptions().Smoothing,
    };

    public static readonly Option<string?> GroundTruthJson = new("--gt-json") { Description = "panoptic: ground-truth COCO panoptic JSON (with categories)." };
    public static readonly Option<string?> GroundTruthDir = new("--gt-dir") { Description = "panoptic: folder of ground-truth PNGs (default: JSON path without .json); semantic: folder of ground-truth label PNGs." };
    public static readonly Option<string?> PredictionJson = new("--pred-json") { Description = "panoptic: predicted COCO panoptic JSON." };
    public static readonly Option<string?> PredictionDir = new("--pred-dir") { Description = "panoptic: folder of predicted PNGs (default: JSON path without .json); semantic: folder of predicted label PNGs (same relative names)." };
    public static readonly Option<string?> GroundTruth = new("--gt") { Description = "instance: ground-truth COCO instances JSON." };
    public static readonly Option<string?> Prediction = new("--pred") { Description = "instance: COCO results JSON (segmentation as RLE or polygons, with score)." };
    public static readonly Option<int> Classes = new("--classes") { Description = "semantic: number of classes (labels 0..N-1; 255 = ignore)." };

    public static readonly Option<string?> ClassNames = new("--class-names") { Description = "semantic: optional class list file (one name per line, line k = class k) to name the classes in the report." };

    public static readonly Option<bool> GroundTruthReduceZero = new("--gt-reduce-zero")
    {
        Description = "semantic: ground truth stores 0 = ignore and class k as k + 1 (ADE20K); predictions store class k as k.",
    };

    public static readonly Option<string?> Checkpoint = new("--checkpoint")
    {
        Description = "superpixel: a trained superpixel model to evaluate instead of the untrained one; " +
                      "semantic, instance, panoptic: run this checkpoint on --data (--split) first, then score its predictions " +
                      "(kept in --pred-dir when given); --task defaults to the checkpoint's.",
    };

    public static readonly Option<string> InputScale = ModelOptions.InputScale();
    public static readonly Option<bool> FlipTest = ModelOptions.FlipTest();

    public static readonly Option<string?> Json = new("--json") { Description = "Write the results as JSON to this file." };

    public static readonly Option<string?> Plot = new("--plot")
    {
        Description = "superpixel: write a PNG of ASA and BR against the number of superpixels actually produced, with the SLIC reference of issue 6.",
    };

    public static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create()
    {
        Task.AcceptOnlyFromAmong("superpixel", "panoptic", "instance", "semantic");
        var command = new Command("eval",
            "Evaluate with each task's standard metrics.\n" +
            "superpixel: for each requested K, the mean number of superpixels produced, ASA, UE, BR (tolerance\n" +
            "  round(0.0025 x diagonal)) and CO on BSDS500, averaged over every annotator of every image.\n" +
            "  clustseg-cli eval --data bsds500:../shared/data/bsds500 --split val -k 200,600 --json sp.json\n" +
            "panoptic: PQ, SQ, RQ (all, things, stuff, per class) from COCO panoptic files, as panopticapi's pq_compute.\n" +
            "  clustseg-cli eval --task panoptic --gt-json gt.json --gt-dir gt/ --pred-json pred.json --pred-dir pred/\n" +
            "instance: the 12 COCO mask AP/AR numbers from a results file, as pycocotools' COCOeval (segm).\n" +
            "  clustseg-cli eval --task instance --gt instances.json --pred results.json\n" +
            "semantic: mIoU, per-class IoU and pixel accuracy from label PNGs (255 ignored; --gt-reduce-zero for ADE20K ground truth).\n" +
            "  clustseg-cli eval --task semantic --gt-dir labels/ --pred-dir predicted/ --classes 7\n" +
            "with --checkpoint: inference on a dataset split, then the task's metrics against its ground truth.\n" +
            "  clustseg-cli eval --checkpoint tiny.safetensors --data synth:synth-out --split val --task panoptic");
        foreach (var option in new Option[] { Task, Data, Split, Counts, Limit, Compactness, Smoothing, GroundTruthJson, GroundTruthDir, PredictionJson,
                     PredictionDir, GroundTruth, Prediction, Classes, ClassNames, GroundTruthReduceZero, Checkpoint, InputScale, FlipTest, Json, Plot })
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var scaled = parse.GetResult(InputScale) is { Implicit: false };
            if (scaled && (parse.GetValue(Checkpoint) is not { } model || SuperpixelModel.IsSuperpixelCheckpoint(model)))
                throw new ClustSegException("--input-scale resizes the pictures a semantic, instance or panoptic --checkpoint runs on; here no such model runs.",
                    "Leave out --input-scale, or pass a mask-task --checkpoint with --data.");
            if (parse.GetValue(FlipTest) && (parse.GetValue(Checkpoint) is not { } semantic || SuperpixelModel.IsSuperpixelCheckpoint(semantic)))
                throw new ClustSegException("--flip-test averages a semantic --checkpoint's results on mirrored pictures; here no such model runs.",
                    "Leave out --flip-test, or pass a semantic --checkpoint with --data.");
            if (parse.GetValue(Checkpoint) is { } checkpoint)
            {
                if (SuperpixelModel.IsSuperpixelCheckpoint(checkpoint)) return SuperpixelEval.Run(parse, output, error, checkpoint);
                // An explicit --task superpixel with a mask-task checkpoint: say what the file holds.
                if (parse.GetResult(Task) is { Implicit: false } && parse.GetValue(Task) == "superpixel")
                    SuperpixelModel.CheckMetadata(Runtime.Nn.Safetensors.SafetensorsFile.Read(checkpoint).Metadata, checkpoint);
                return CheckpointEval.Run(parse, checkpoint, output, error);
            }
            return parse.GetValue(Task) switch
            {
                "panoptic" => PanopticEval.Run(parse, output, error),
                "instance" => InstanceEval.Run(parse, output, error),
                "semantic" => SemanticEval.Run(parse, output, error),
                _ => SuperpixelEval.Run(parse, output, error),
            };
        });
        return command;
    }

    /// <summary>The value of an option the chosen task needs.</summary>
    public static string Need(ParseResult parse, Option<string?> option, string task, string example) =>
        parse.GetValue(option) ?? throw new ClustSegException($"--task {task} needs {option.Name}.", $"Add {option.Name} {example}.");

    /// <summary>Writes <paramref name="value"/> as JSON to the --json file, if one was given.</summary>
    public static void WriteJson(ParseResult parse, object value, JsonSerializerOptions? options = null)
    {
        if (parse.GetValue(Json) is not { } path) return;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, options ?? JsonOptions);
        AtomicFile.Write(path, bytes);
    }

    /// <summary>NaN (nothing to average) as JSON null.</summary>
    public static double? Number(double value) => double.IsNaN(value) ? null : value;
}

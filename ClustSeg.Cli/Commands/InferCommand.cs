using System.CommandLine;
using ClustSeg.Cli.Output;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Imaging;
using ClustSeg.Runtime.Nn.Safetensors;
using ClustSeg.Runtime.Superpixels;

namespace ClustSeg.Cli.Commands;

/// <summary>`clustseg-cli infer`: runs a model on an image or a folder of images and writes the results.</summary>
internal static class InferCommand
{
    private static readonly Argument<string?> Input = new("input")
    {
        Description = "An image (jpg, png, bmp) or a folder of images; without it, the bundled sample picture.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private static readonly Option<string> OutputDir = new("--output", "-o")
    {
        Description = "Folder for the results (created if missing).",
        DefaultValueFactory = _ => "clustseg-out",
    };

    private static readonly Option<string?> Task = new("--task", "-t")
    {
        Description = "What to segment: superpixel (default without --checkpoint, or with a superpixel checkpoint), or semantic, " +
                      "instance, panoptic with a checkpoint (default: the checkpoint's task).",
    };

    private static readonly Option<int> Superpixels = new("--superpixels", "-k")
    {
        Description = "Superpixel task: how many superpixels to aim for (the result stays within about 15%).",
        DefaultValueFactory = _ => 600,
    };

    private static readonly Option<int> Iterations = new("--iterations")
    {
        Description = "Superpixel task: EM iterations (10 is the model's inference setting).",
        DefaultValueFactory = _ => 10,
    };

    private static readonly Option<float?> Compactness = new("--compactness")
    {
        Description = "Superpixel task: eta, the weight of position against colour (larger is more compact); default: the model's " +
                      "(the bundled model's, or the checkpoint's), else 10.",
    };

    private static readonly Option<bool> Untrained = new("--untrained")
    {
        Description = "Superpixel task: run the untrained colour + position model (soft SLIC, about 10x faster) instead of the bundled trained one.",
    };

    private static readonly Option<int> Batch = new("--batch", "-b")
    {
        Description = "With --checkpoint: up to this many consecutive pictures of the same padded size per forward pass.",
        DefaultValueFactory = _ => 4,
    };

    private static readonly Option<bool> Csv = new("--csv") { Description = "Also write each label map as CSV (one line per image row)." };

    private static readonly Option<string?> Checkpoint = new("--checkpoint")
    {
        Description = "A ClustSeg checkpoint (its metadata names the model and task): a trained superpixel model, or a semantic, " +
                      "instance or panoptic one.",
    };

    private static readonly Option<string?> Raw = new("--raw")
    {
        Description = "With --checkpoint: write the raw outputs (class and mask logits of every decoder layer, the final centres) " +
                      "of one image to this .safetensors file.",
    };

    private static readonly Option<string> InputScale = ModelOptions.InputScale();
    private static readonly Option<bool> FlipTest = ModelOptions.FlipTest();

    public static Command Create()
    {
        Task.AcceptOnlyFromAmong("superpixel", "semantic", "instance", "panoptic");
        var command = new Command("infer",
            "Segment an image or every image in a folder.\n" +
            "superpixel (the default; without --checkpoint the bundled model trained on BSDS500, or with --untrained the colour +\n" +
            "  position model alone, soft SLIC) writes for each image\n" +
            "  NAME.png             16-bit label map, labels 0..K-1, every superpixel connected\n" +
            "  NAME_boundaries.png  the image with superpixel boundaries in red\n" +
            "  NAME.csv             the label map as CSV (with --csv)\n" +
            "  (with --checkpoint FILE of a trained superpixel model: its CNN features join the colour and position)\n" +
            "semantic, instance, panoptic (--checkpoint FILE; --task defaults to the checkpoint's) write into the output folder\n" +
            "  semantic: NAME.png (8-bit class ids) and NAME_overlay.png\n" +
            "  instance: instances_results.json (COCO results, RLE masks, image_id = position in the sorted input list, from 1)\n" +
            "            and NAME_overlay.png (detections scoring >= 0.5)\n" +
            "  panoptic: panoptic.json + panoptic/NAME.png (COCO panoptic; category id = class id) and NAME_overlay.png\n" +
            "with --raw OUT.safetensors instead (one image): the model's raw outputs,\n" +
            "  class_logits.L [1, K, classes+1] and mask_logits.L [1, K, H/4, W/4] of the padded input for every decoder layer L, centres [1, K, D]\n" +
            "Examples: clustseg-cli infer            (the bundled sample picture, into ./clustseg-out)\n" +
            "          clustseg-cli infer photo.jpg -k 400 -o out/\n" +
            "          clustseg-cli infer --checkpoint tiny.safetensors photos/ -o out/\n" +
            "          clustseg-cli infer --checkpoint tiny.safetensors --input-scale 1.5 photos/ -o out/\n" +
            "          clustseg-cli infer --checkpoint tiny.safetensors --raw raw.safetensors photo.jpg");
        command.Arguments.Add(Input);
        command.Options.Add(OutputDir);
        command.Options.Add(Task);
        command.Options.Add(Superpixels);
        command.Options.Add(Iterations);
        command.Options.Add(Compactness);
        command.Options.Add(Csv);
        command.Options.Add(Checkpoint);
        command.Options.Add(Raw);
        command.Options.Add(Batch);
        command.Options.Add(InputScale);
        command.Options.Add(FlipTest);
        command.Options.Add(Untrained);
        command.SetAction(parse => Run(parse, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    private static int RunMaskTask(ParseResult parse, string checkpoint, IReadOnlyList<string> files, TextWriter output, TextWriter error)
    {
        using var device = GlobalOptions.OpenDevice(parse);
        if (parse.GetValue(Raw) is { } raw)
        {
            if (files.Count != 1)
                throw new ClustSegException($"--raw writes the outputs of one image, but {files.Count} were given.", "Pass a single image file.");
            if (parse.GetResult(InputScale) is { Implicit: false } || parse.GetValue(FlipTest))
                throw new ClustSegException("--raw writes the model's outputs for the picture as it is, so --input-scale and --flip-test do not apply.",
                    "Leave out --raw, or --input-scale and --flip-test.");
            MaskInference.Run(device, checkpoint, files[0], raw, output);
            return 0;
        }
        if (parse.GetValue(Task) == "superpixel")
            SuperpixelModel.CheckMetadata(SafetensorsFile.Read(checkpoint).Metadata, checkpoint); // names what the file holds instead
        return MaskTaskInference.Run(device, checkpoint, parse.GetValue(Task), files, parse.GetValue(OutputDir)!, parse.GetValue(Batch), parse.GetValue(InputScale)!, parse.GetValue(FlipTest), output, error);
    }

    private static void Validate(SuperpixelOptions options)
    {
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ClustSegException(e.Message.Split(Environment.NewLine)[0], "See `clustseg-cli infer --help`.");
        }
    }

    private static int Run(ParseResult parse, TextWriter output, TextWriter error)
    {
        var input = parse.GetValue(Input);
        var files = input is null ? [ImageInputs.BundledSample] : ImageInputs.Resolve(input);
        var superpixelCheckpoint = parse.GetValue(Checkpoint) is { } file && SuperpixelModel.IsSuperpixelCheckpoint(file) ? file : null;
        if (parse.GetValue(Checkpoint) is { } checkpoint && superpixelCheckpoint is null)
        {
            if (parse.GetValue(Untrained))
                throw new ClustSegException($"--untrained chooses the superpixel model, but '{checkpoint}' holds a mask-task model.", "Leave out --untrained.");
            if (parse.GetValue(Raw) is null) ImageInputs.CheckOutputs(files, parse.GetValue(OutputDir)!, ".png", "_overlay.png");
            return RunMaskTask(parse, checkpoint, files, output, error);
        }
        if (superpixelCheckpoint is not null && parse.GetValue(Task) is { } maskTask && maskTask != "superpixel")
            throw new ClustSegException($"Checkpoint '{superpixelCheckpoint}' holds a superpixel model, not a {maskTask} model.",
                "Leave out --task (or pass --task superpixel), or pass a semantic, instance or panoptic checkpoint.");
        if (superpixelCheckpoint is not null && parse.GetValue(Raw) is not null)
            throw new ClustSegException($"--raw writes a mask-task model's outputs, but '{superpixelCheckpoint}' holds a superpixel model.",
                "Leave out --raw (superpixel results are the label PNG, boundaries and --csv), or pass a semantic, instance or panoptic checkpoint.");
        if (parse.GetValue(Raw) is not null)
            throw new ClustSegException("--raw writes a mask-task model's outputs, but no --checkpoint was given.", "Add --checkpoint FILE.safetensors (see `clustseg-cli init`).");
        if (parse.GetValue(Task) is { } task && task != "superpixel")
            throw new ClustSegException($"--task {task} runs a trained model, but no --checkpoint was given.", "Add --checkpoint FILE.safetensors (train one, or see `clustseg-cli init`).");
        if (parse.GetResult(InputScale) is { Implicit: false } || parse.GetValue(FlipTest))
            throw new ClustSegException("--input-scale and --flip-test apply to semantic, instance and panoptic models; superpixels are not rescaled or mirrored.",
                "Leave them out, or pass a mask-task --checkpoint.");
        if (superpixelCheckpoint is not null && parse.GetValue(Untrained))
            throw new ClustSegException($"--untrained runs the model without a CNN, but --checkpoint '{superpixelCheckpoint}' gives a trained one.",
                "Pass one of --untrained and --checkpoint.");
        var outDir = parse.GetValue(OutputDir)!;
        ImageInputs.CheckOutputs(files, outDir, ".png", "_boundaries.png", ".csv");
        var compactness = parse.GetValue(Compactness);
        var options = new SuperpixelOptions { Superpixels = parse.GetValue(Superpixels), Iterations = parse.GetValue(Iterations) };
        if (compactness is { } given) options = options with { PositionScale = given };
        Validate(options);
        using var device = GlobalOptions.OpenDevice(parse);
        var model = superpixelCheckpoint is not null ? SuperpixelModel.Load(device, superpixelCheckpoint)
            : parse.GetValue(Untrained) ? null
            : BundledSuperpixelModel.TryLoad(device, error);
        // Without --compactness, a trained model runs at the compactness it records.
        if (compactness is null && model?.Compactness is { } recorded) options = options with { PositionScale = recorded };
        var described = model is null ? "untrained (Lab + xy, soft SLIC)" : superpixelCheckpoint ?? "bundled, trained on BSDS500";
        output.WriteLine($"superpixel model: {described}, compactness {options.PositionScale}");
        var segmenter = new SuperpixelSegmenter(device, options, model);
        var failures = 0;
        new ProgressBar("infer", files.Count, error).Run(advance =>
        {
            foreach (var file in files)
            {
                var stem = Path.GetFileNameWithoutExtension(file);
                try
                {
                    var image = ImageInputs.Load(file);
                    var result = segmenter.Segment(image);
                    SuperpixelOutputs.WriteLabelPng(Path.Combine(outDir, stem + ".png"), result.Labels);
                    SuperpixelOutputs.WriteBoundaryPng(Path.Combine(outDir, stem + "_boundaries.png"), image, result.Labels);
                    if (parse.GetValue(Csv)) SuperpixelOutputs.WriteCsv(Path.Combine(outDir, stem + ".csv"), result.Labels);
                    output.WriteLine($"{ImageInputs.DisplayName(file)}: {result.Count} superpixels ({image.Width}x{image.Height}, grid {result.Grid.Rows}x{result.Grid.Cols}) in {result.Elapsed.TotalMilliseconds:0} ms");
                }
                catch (Exception e) when (e is ClustSegException or IOException or InvalidDataException or FormatException or ArgumentException)
                {
                    // One bad file must not lose the rest of a folder's work.
                    failures++;
                    error.WriteLine($"error: {file}: {e.Message}");
                }
                advance(stem);
            }
        });
        output.WriteLine($"wrote results for {files.Count - failures} of {files.Count} image(s) to {Path.GetFullPath(outDir)}");
        return failures == 0 ? 0 : 1;
    }
}

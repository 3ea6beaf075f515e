using ClustSeg.Runtime.Data.Training;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Superpixels;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Cli.Commands.Train;

/// <summary>`train --task superpixel --data bsds500:PATH`: the superpixel CNN with the SSN loss on BSDS500 crops.</summary>
internal static class SuperpixelTraining
{
    private const string Format = "bsds500:";

    public static int Run(GpuDevice device, TrainOptions options, string data, TextWriter output, TextWriter error)
    {
        if (!data.StartsWith(Format, StringComparison.OrdinalIgnoreCase))
            throw new ClustSegException($"Superpixel training reads BSDS500, but --data is '{data}'.", "Use --data bsds500:PATH, e.g. bsds500:../shared/data/bsds500.");
        if (options.BatchSize != 1)
            throw new ClustSegException($"Superpixel training takes one crop per step (each draws its own number of superpixels), but --batch is {options.BatchSize}.",
                "Drop --batch for --task superpixel.");
        var settings = new SuperpixelTrainingSettings { CropSize = options.CropSize };
        if (options.Compactness is { } eta) settings = settings with { Features = settings.Features with { PositionScale = eta } };
        if (options.CompactnessLossWeight is { } weight) settings = settings with { CompactnessWeight = weight };
        settings.Validate();
        // Opened once here so a wrong path or broken ground truth fails before any device work.
        var first = SuperpixelBatchSource.Open(data[Format.Length..], "train", settings, new TrainingDataCursor(unchecked((ulong)options.Seed)));
        var model = new SuperpixelModel { Compactness = settings.Features.PositionScale };
        output.WriteLine($"training {SuperpixelModel.Name} on BSDS500 train: {first.SamplesPerEpoch} images, crop {settings.CropSize}, " +
                         $"{settings.MinSuperpixels}-{settings.MaxSuperpixels} superpixels per 481x321, T = {settings.Iterations}, compactness {settings.Features.PositionScale} (loss weight {settings.CompactnessWeight}), {options.Steps} steps");
        return TrainRun.Execute(device, new SuperpixelObjective(model, settings), options,
            cursor => SuperpixelBatchSource.Open(data[Format.Length..], "train", settings, cursor), 1, output, error);
    }
}

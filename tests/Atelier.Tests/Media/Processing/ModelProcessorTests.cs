using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Atelier.Features.Media.Processing;

namespace Atelier.Tests.Media.Processing;

public sealed class ModelProcessorTests
{
    private static readonly ModelProcessor Processor = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Glb_IsCountedAndMeasured()
    {
        var result = await Processor.ProcessAsync(MediaFixtures.Input(await MediaFixtures.GlbAsync(), "model/gltf-binary"), Ct);

        result.Failure.ShouldBeNull();
        result.Files.ShouldBeEmpty();
        var m = result.Metadata;
        ((string)m["format"]!).ShouldBe("glb");
        ((int)m["meshes"]!).ShouldBe(1);
        ((int)m["materials"]!).ShouldBe(1);
        ((int)m["textures"]!).ShouldBe(0);
        ((int)m["nodes"]!).ShouldBe(1);
        ((int)m["animations"]!).ShouldBe(0);
        m["size"]!.AsArray().Select(v => (double)v!).ShouldBe([2, 1, 0.5]);
    }

    [Fact]
    public async Task Gltf_WithItsBuffer_ProducesTheBufferUnderTheNameItUses()
    {
        var (gltf, bin) = await MediaFixtures.GltfWithExternalBufferAsync();
        var input = MediaFixtures.Input(gltf, "model/gltf+json", new Dictionary<string, string> { [MediaFixtures.GltfBufferName] = bin });

        var result = await Processor.ProcessAsync(input, Ct);

        result.Failure.ShouldBeNull();
        ((string)result.Metadata["format"]!).ShouldBe("gltf");
        result.Metadata["size"]!.AsArray().Select(v => (double)v!).ShouldBe([2, 1, 0.5]);
        var resource = result.Files.ShouldHaveSingleItem();
        (resource.Name, resource.Role, resource.ContentType).ShouldBe(("scene.bin", "resource", "application/octet-stream"));
        Path.GetDirectoryName(resource.Path).ShouldBe(input.WorkDir);
        (await File.ReadAllBytesAsync(resource.Path, Ct)).ShouldBe(await File.ReadAllBytesAsync(bin, Ct));
    }

    [Fact]
    public async Task Gltf_WithoutItsBuffer_FailsNamingIt()
    {
        var (gltf, _) = await MediaFixtures.GltfWithExternalBufferAsync();

        var result = await Processor.ProcessAsync(MediaFixtures.Input(gltf, "model/gltf+json"), Ct);

        result.Failure.ShouldBe("The glTF refers to scene.bin, which was not uploaded with it. Upload the .gltf together with its .bin and texture files.");
    }

    [Theory]
    [InlineData("https://cdn.example/scene.bin", "another site")]
    [InlineData("//cdn.example/scene.bin", "another site")]
    [InlineData("../scene.bin", "not a file next to it")]
    [InlineData("..%2Fscene.bin", "not a file next to it")]
    [InlineData("parts/scene.bin", "not a file next to it")]
    [InlineData("/etc/passwd", "not a file next to it")]
    [InlineData("file:///etc/passwd", "not a file next to it")]
    [InlineData("C:\\scene.bin", "not a file next to it")]
    public async Task Gltf_ReachingOutside_Fails(string uri, string reason)
    {
        var (_, bin) = await MediaFixtures.GltfWithExternalBufferAsync();
        var companions = new Dictionary<string, string> { ["scene.bin"] = bin, ["passwd"] = bin };

        var result = await Processor.ProcessAsync(MediaFixtures.Input(MediaFixtures.GltfReferring(uri), "model/gltf+json", companions), Ct);

        result.Failure.ShouldNotBeNull();
        result.Failure.ShouldContain(reason);
        result.Files.ShouldBeEmpty();
    }

    [Fact]
    public async Task Gltf_WithEmbeddedBuffer_NeedsNothingElse()
    {
        var (_, bin) = await MediaFixtures.GltfWithExternalBufferAsync();
        var uri = "data:application/octet-stream;base64," + Convert.ToBase64String(await File.ReadAllBytesAsync(bin, Ct));

        var result = await Processor.ProcessAsync(MediaFixtures.Input(MediaFixtures.GltfReferring(uri), "model/gltf+json"), Ct);

        result.Failure.ShouldBeNull();
        result.Files.ShouldBeEmpty();
    }

    [Fact]
    public async Task Gltf_WithByteOrderMark_IsRead()
    {
        var (gltf, bin) = await MediaFixtures.GltfWithExternalBufferAsync();
        var json = await File.ReadAllBytesAsync(gltf, Ct);
        var path = Path.Combine(Path.GetTempPath(), $"atelier-{Guid.NewGuid():n}.gltf");
        await File.WriteAllBytesAsync(path, [0xEF, 0xBB, 0xBF, .. json], Ct);
        try
        {
            var input = MediaFixtures.Input(path, "model/gltf+json", new Dictionary<string, string> { ["scene.bin"] = bin });

            var result = await Processor.ProcessAsync(input, Ct);

            result.Failure.ShouldBeNull();
            ((int)result.Metadata["meshes"]!).ShouldBe(1);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Gltf_WithShortBuffer_Fails()
    {
        var (gltf, bin) = await MediaFixtures.GltfWithExternalBufferAsync();
        var shortBin = Path.Combine(Path.GetTempPath(), $"atelier-{Guid.NewGuid():n}.bin");
        await File.WriteAllBytesAsync(shortBin, (await File.ReadAllBytesAsync(bin, Ct))[..100], Ct);
        try
        {
            var input = MediaFixtures.Input(gltf, "model/gltf+json", new Dictionary<string, string> { ["scene.bin"] = shortBin });

            var result = await Processor.ProcessAsync(input, Ct);

            result.Failure.ShouldNotBeNull();
            result.Failure.ShouldStartWith("scene.bin is shorter than the glTF says");
        }
        finally
        {
            File.Delete(shortBin);
        }
    }

    [Fact]
    public async Task Glb_Truncated_Fails()
    {
        var bytes = await File.ReadAllBytesAsync(await MediaFixtures.GlbAsync(), Ct);

        var result = await ProcessBytesAsync(bytes[..(bytes.Length - 40)], ".glb");

        result.Failure.ShouldNotBeNull();
        result.Failure.ShouldStartWith("The GLB file is damaged or truncated");
    }

    [Fact]
    public async Task Glb_WithWrongVersion_Fails()
    {
        var bytes = await File.ReadAllBytesAsync(await MediaFixtures.GlbAsync(), Ct);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), 1);

        var result = await ProcessBytesAsync(bytes, ".glb");

        result.Failure.ShouldNotBeNull();
        result.Failure.ShouldContain("only glTF 2.0 is supported");
    }

    [Fact]
    public async Task Glb_WithChunkRunningPastTheEnd_Fails()
    {
        var bytes = await File.ReadAllBytesAsync(await MediaFixtures.GlbAsync(), Ct);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), (uint)bytes.Length); // the JSON chunk's length

        var result = await ProcessBytesAsync(bytes, ".glb");

        result.Failure.ShouldNotBeNull();
        result.Failure.ShouldContain("a chunk runs past the end");
    }

    [Theory]
    [InlineData("{\"asset\":{\"version\":\"1.0\"}}", "only glTF 2.x is supported")]
    [InlineData("{\"meshes\":[]}", "no asset.version")]
    [InlineData("{\"asset\":{\"version\":\"2.0\"", "not valid JSON")]
    [InlineData("[1,2,3]", "not valid JSON")]
    public async Task Gltf_Invalid_Fails(string json, string reason)
    {
        var result = await ProcessBytesAsync(System.Text.Encoding.UTF8.GetBytes(json), ".gltf");

        result.Failure.ShouldNotBeNull();
        result.Failure.ShouldContain(reason);
    }

    [Fact]
    public void BoundingSize_CoversAllPrimitives()
    {
        var root = JsonNode.Parse("""
            {"meshes":[{"primitives":[{"attributes":{"POSITION":0}},{"attributes":{"POSITION":1}}]},{"primitives":[{"attributes":{"NORMAL":1}}]}],
             "accessors":[{"min":[0,0,0],"max":[1,1,1]},{"min":[-2,0.5,0],"max":[0,3,0.25]}]}
            """)!.AsObject();

        ModelProcessor.BoundingSize(root).ShouldBe([3, 3, 1]);
    }

    private static async Task<ProcessingResult> ProcessBytesAsync(byte[] bytes, string extension)
    {
        var path = Path.Combine(Path.GetTempPath(), $"atelier-{Guid.NewGuid():n}{extension}");
        await File.WriteAllBytesAsync(path, bytes, Ct);
        try
        {
            return await Processor.ProcessAsync(MediaFixtures.Input(path, "model/gltf-binary"), Ct);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

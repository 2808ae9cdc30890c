global using System.Net;
global using System.Net.Http.Json;
global using Microsoft.Extensions.DependencyInjection;
global using Shouldly;
global using Xunit;
global using Atelier.Tests.Infrastructure;

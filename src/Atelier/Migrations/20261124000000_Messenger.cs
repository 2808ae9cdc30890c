using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Atelier.Platform.Data;

namespace Atelier.Migrations;

/// <summary>The messenger: conversations, members, messages with per-conversation sequence numbers, attachments, reactions, presence.</summary>
[DbContext(typeof(AppDb))]
[Migration("20261124000000_Messenger")]
public sealed class Messenger : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable("chat_conversations", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            Kind = t.Column<string>(maxLength: 16, nullable: false),
            Name = t.Column<string>(maxLength: 100, nullable: true),
            Description = t.Column<string>(maxLength: 1000, nullable: true),
            DirectKey = t.Column<string>(maxLength: 65, nullable: true),
            LastSeq = t.Column<long>(nullable: false),
            CreatedById = t.Column<Guid>(nullable: false),
            CreatedAt = t.Column<DateTime>(nullable: false),
            LastActivityAt = t.Column<DateTime>(nullable: false),
        }, constraints: t => t.PrimaryKey("PK_chat_conversations", x => x.Id));
        m.CreateIndex("IX_chat_conversations_DirectKey", "chat_conversations", "DirectKey", unique: true);

        m.CreateTable("chat_members", t => new
        {
            ConversationId = t.Column<Guid>(nullable: false),
            UserId = t.Column<Guid>(nullable: false),
            Role = t.Column<string>(maxLength: 16, nullable: false),
            ReadUpToSeq = t.Column<long>(nullable: false),
            JoinedAt = t.Column<DateTime>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_chat_members", x => new { x.ConversationId, x.UserId });
            t.ForeignKey("FK_chat_members_chat_conversations_ConversationId", x => x.ConversationId, "chat_conversations", "Id", onDelete: ReferentialAction.Cascade);
            t.ForeignKey("FK_chat_members_accounts_users_UserId", x => x.UserId, "accounts_users", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_chat_members_UserId", "chat_members", "UserId");

        m.CreateTable("chat_messages", t => new
        {
            Id = t.Column<Guid>(nullable: false),
            ConversationId = t.Column<Guid>(nullable: false),
            Seq = t.Column<long>(nullable: false),
            SenderId = t.Column<Guid>(nullable: false),
            ClientMessageId = t.Column<string>(maxLength: 64, nullable: false),
            Text = t.Column<string>(maxLength: 8000, nullable: false),
            Mentions = t.Column<string>(maxLength: 4000, nullable: false),
            ReplyToId = t.Column<Guid>(nullable: true),
            CreatedAt = t.Column<DateTime>(nullable: false),
            EditedAt = t.Column<DateTime>(nullable: true),
            DeletedAt = t.Column<DateTime>(nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_chat_messages", x => x.Id);
            t.ForeignKey("FK_chat_messages_chat_conversations_ConversationId", x => x.ConversationId, "chat_conversations", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_chat_messages_ConversationId_Seq", "chat_messages", ["ConversationId", "Seq"], unique: true);
        m.CreateIndex("IX_chat_messages_ConversationId_SenderId_ClientMessageId", "chat_messages", ["ConversationId", "SenderId", "ClientMessageId"], unique: true);

        m.CreateTable("chat_attachments", t => new
        {
            MessageId = t.Column<Guid>(nullable: false),
            MediaId = t.Column<Guid>(nullable: false),
            ConversationId = t.Column<Guid>(nullable: false),
            Position = t.Column<int>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_chat_attachments", x => new { x.MessageId, x.MediaId });
            t.ForeignKey("FK_chat_attachments_chat_messages_MessageId", x => x.MessageId, "chat_messages", "Id", onDelete: ReferentialAction.Cascade);
            t.ForeignKey("FK_chat_attachments_media_items_MediaId", x => x.MediaId, "media_items", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_chat_attachments_MediaId", "chat_attachments", "MediaId");

        m.CreateTable("chat_reactions", t => new
        {
            MessageId = t.Column<Guid>(nullable: false),
            UserId = t.Column<Guid>(nullable: false),
            Emoji = t.Column<string>(maxLength: 64, nullable: false),
            CreatedAt = t.Column<DateTime>(nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_chat_reactions", x => new { x.MessageId, x.UserId, x.Emoji });
            t.ForeignKey("FK_chat_reactions_chat_messages_MessageId", x => x.MessageId, "chat_messages", "Id", onDelete: ReferentialAction.Cascade);
        });

        m.CreateTable("chat_connections", t => new
        {
            ConnectionId = t.Column<string>(maxLength: 64, nullable: false),
            UserId = t.Column<Guid>(nullable: false),
            Instance = t.Column<string>(maxLength: 32, nullable: false),
            Away = t.Column<bool>(nullable: false),
            ConnectedAt = t.Column<DateTime>(nullable: false),
            SeenAt = t.Column<DateTime>(nullable: false),
        }, constraints: t => t.PrimaryKey("PK_chat_connections", x => x.ConnectionId));
        m.CreateIndex("IX_chat_connections_UserId", "chat_connections", "UserId");
        m.CreateIndex("IX_chat_connections_Instance", "chat_connections", "Instance");

        m.CreateTable("chat_presence", t => new
        {
            UserId = t.Column<Guid>(nullable: false),
            LastSeenAt = t.Column<DateTime>(nullable: false),
        }, constraints: t => t.PrimaryKey("PK_chat_presence", x => x.UserId));
    }

    protected override void Down(MigrationBuilder m)
    {
        m.DropTable("chat_presence");
        m.DropTable("chat_connections");
        m.DropTable("chat_reactions");
        m.DropTable("chat_attachments");
        m.DropTable("chat_messages");
        m.DropTable("chat_members");
        m.DropTable("chat_conversations");
    }
}

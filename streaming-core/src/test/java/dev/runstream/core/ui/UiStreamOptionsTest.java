package dev.runstream.core.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class UiStreamOptionsTest {

    @Test
    void shouldDefaultToWhatToAiSdkStreamDefaultsTo() {
        UiStreamOptions options = UiStreamOptions.defaults();
        assertThat(options.sendReasoning()).isFalse();
        assertThat(options.sendSources()).isFalse();
        assertThat(options.sendStart()).isTrue();
        assertThat(options.sendFinish()).isTrue();
        assertThat(options.version()).isEqualTo(UiStreamVersion.V5);
        assertThat(options.source()).isEqualTo(UiStreamSource.AUTO);
        assertThat(options.lastMessageId()).isEmpty();
        assertThat(options.includeTextStreamParts()).isTrue();
        assertThat(UiStreamOptions.builder().build()).isEqualTo(options);
    }

    @Test
    void shouldRoundTripThroughItsBuilder() {
        UiStreamOptions options = UiStreamOptions.builder().sendReasoning(true).sendSources(true).sendStart(false)
                .sendFinish(false).version(UiStreamVersion.V7).source(UiStreamSource.WORKFLOW)
                .lastMessageId("m-1").includeTextStreamParts(false).build();
        assertThat(options.toBuilder().build()).isEqualTo(options);
        assertThat(options.lastMessageId()).contains("m-1");
    }

    @Test
    void shouldRejectABlankLastMessageIdNamingIt() {
        assertThatIllegalArgumentException().isThrownBy(() -> UiStreamOptions.builder().lastMessageId(" ").build())
                .withMessageContaining("lastMessageId must not be blank, was \" \"");
    }

    @Test
    void shouldReportEveryInvalidSettingInOneMessage() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new UiStreamOptions(false, false, true, true, null, null, null, true))
                .withMessageContaining("version must not be null")
                .withMessageContaining("source must not be null")
                .withMessageContaining("lastMessageId must not be null");
    }

    @Test
    void shouldAcceptAnExplicitlyEmptyLastMessageId() {
        assertThat(new UiStreamOptions(false, false, true, true, UiStreamVersion.V6, UiStreamSource.AGENT,
                Optional.empty(), true).lastMessageId()).isEmpty();
    }
}

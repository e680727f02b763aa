package org.dimba4j.serve;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The web page in headless Chromium (Debian's {@code chromium} package): type a prompt, press Generate, see the
 * image appear in the gallery with the CLI's pixels, read its settings back; a bad size is marked on its field.
 * Skipped when no chromium is installed, unless {@code -Ddimba.requireChromium=true} (CI) makes that a failure.
 */
class WebPageChromiumTest {

    @Test
    void typeAPromptSeeTheImageReadItsSettings() throws Exception {
        Path chromium = Chromium.find();
        if (Boolean.getBoolean("dimba.requireChromium")) {
            assertTrue(chromium != null, "no chromium on the PATH (apt-get install chromium) and dimba.requireChromium is set");
        }
        assumeTrue(chromium != null, "skipped: Debian's chromium is not installed (apt-get install chromium, or set DIMBA_CHROMIUM)");
        try (TestServer s = TestServer.start(); Chromium browser = new Chromium(chromium, s.base + "/")) {
            browser.await("document.getElementById('sampler') && document.getElementById('sampler').options.length === 3",
                    Duration.ofSeconds(30));
            assertEquals("64", browser.eval("document.getElementById('width').value").asText());

            // a size the model cannot take: the 400's message shows and the field is marked
            browser.eval("""
                    (() => { const $ = id => document.getElementById(id);
                      $('prompt').value = 'a red fox'; $('width').value = '72';
                      $('generate').click(); })()""");
            browser.await("document.getElementById('error').textContent.includes('width 72 must be a multiple of 16')", Duration.ofSeconds(10));
            assertTrue(browser.eval("document.getElementById('width').classList.contains('invalid')").asBoolean());

            browser.eval("""
                    (() => { const $ = id => document.getElementById(id);
                      $('width').value = '64'; $('negative_prompt').value = 'blurry'; $('steps').value = '6';
                      $('guidance').value = '3.5'; $('seed').value = '42'; $('sampler').value = 'dpm-solver';
                      $('generate').click(); })()""");
            browser.await("document.querySelectorAll('#gallery .card img').length === 1"
                    + " && document.querySelector('#gallery .card img').complete"
                    + " && document.querySelector('#gallery .card img').naturalWidth === 64", Duration.ofSeconds(60));
            String settings = browser.eval("document.querySelector('#gallery .card pre.settings').textContent").asText();
            byte[] cli = TestServer.cliPngs("a red fox", "blurry", 42, 6, 3.5, "dpm-solver", 64, 1).getFirst();
            assertEquals(TestServer.parameters(cli), settings);
            assertEquals("done", browser.eval("document.getElementById('status').textContent").asText());

            // the pixels the page shows are the CLI's: read back through a canvas (same origin, so not tainted)
            String rgba = browser.eval("""
                    (() => { const img = document.querySelector('#gallery .card img');
                      const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
                      const g = c.getContext('2d'); g.drawImage(img, 0, 0);
                      const d = g.getImageData(0, 0, c.width, c.height).data; let s = '';
                      for (let i = 0; i < d.length; i++) s += String.fromCharCode(d[i]);
                      return btoa(s); })()""").asText();
            byte[] shown = Base64.getDecoder().decode(rgba);
            byte[] rgb = TestServer.pixels(cli);
            byte[] shownRgb = new byte[rgb.length];
            for (int i = 0, j = 0; i < shown.length; i += 4) {
                shownRgb[j++] = shown[i];
                shownRgb[j++] = shown[i + 1];
                shownRgb[j++] = shown[i + 2];
            }
            assertArrayEquals(rgb, shownRgb);

            // "Use these settings" puts them back into the form
            browser.eval("(() => { document.getElementById('prompt').value = ''; document.querySelector('#gallery .card button').click(); })()");
            assertEquals("a red fox", browser.eval("document.getElementById('prompt').value").asText());
            assertEquals("42", browser.eval("document.getElementById('seed').value").asText());
        }
    }
}

// The rich-text editor of a post's text: django-prose-editor (Tiptap), served from the portal's
// own static files. The textarea (data-tsf-editor) stays the form's field: the editor writes its
// HTML into it, and the server cleans it with the same allow-list (blog/sanitize.py).
// Headings 2-4, bold, italic, bullet and numbered lists, quotes, links and images with their
// alternative text and caption (the image button opens the portal's upload page, "Sfoglia...").

// The editor's own words, in the catalogue (djangojs) that /jsi18n/ serves before this script.
const gettext = window.gettext || ((s) => s);
const LABELS = {
  "bold": gettext("Bold (Ctrl+B)"),
  "italic": gettext("Italic (Ctrl+I)"),
  "unordered list": gettext("Bulleted list"),
  "ordered list": gettext("Numbered list"),
  "blockquote": gettext("Quote"),
  "insert link": gettext("Insert link"),
  "remove link": gettext("Remove link"),
  "figure": gettext("Image"),
  "undo": gettext("Undo (Ctrl+Z)"),
  "redo": gettext("Redo (Ctrl+Shift+Z)"),
  "paragraph": gettext("Paragraph"),
  "heading 2": gettext("Heading 2"),
  "heading 3": gettext("Heading 3"),
  "heading 4": gettext("Heading 4"),
};
// Strings of django-prose-editor's dialogs, translated in the same catalogue (listed here so that
// makemessages keeps them).
export const DIALOG_STRINGS = [
  gettext("Image URL"), gettext("Alternative Text"), gettext("Caption"), gettext("Edit Figure"), gettext("Insert Figure"), gettext("Edit Image"),
  gettext("Update"), gettext("Insert"), gettext("Cancel"), gettext("Browse..."), gettext("URL"), gettext("Title"), gettext("Open in new window"),
  gettext("Edit Link"), gettext("Add caption"), gettext("Remove caption"), gettext("Toggle fullscreen"),
];

function translateMenu(root) {
  root.querySelectorAll("[title], [aria-label]").forEach((el) => {
    for (const attr of ["title", "aria-label"]) {
      const value = el.getAttribute(attr);
      const label = value && LABELS[value.toLowerCase()];
      if (label && label !== value) el.setAttribute(attr, label);
    }
  });
  root.querySelectorAll("p, h2, h3, h4").forEach((el) => {
    if (el.closest("[contenteditable=\"true\"]")) return;  // the text being written, not the menus (whose previews are ProseMirror too)
    const text = (el.textContent || "").trim().toLowerCase();
    // Only when the words change: writing the same text again is a change the observer below would
    // see, and it would call this again for ever (in English the label is the text itself).
    if (LABELS[text] && el.textContent !== LABELS[text]) el.textContent = LABELS[text];
  });
}

async function start(area) {
  const E = await import(area.dataset.editorModule);
  const figure = E.Figure.configure(area.dataset.pickerUrl ? {pickerUrl: area.dataset.pickerUrl} : {});
  const editor = E.createTextareaEditor(area, [
    E.Document, E.Paragraph, E.Text, E.HardBreak, E.Dropcursor, E.Gapcursor, E.History, E.Menu,
    E.Heading.configure({levels: [2, 3, 4]}), E.Bold, E.Italic, E.BulletList, E.OrderedList, E.ListItem,
    E.Blockquote, E.Link.configure({enableTarget: false, HTMLAttributes: {target: null, rel: "noopener noreferrer nofollow"}}),
    figure, E.Caption, E.Image,
  ]);
  const wrapper = area.closest(".prose-editor") || area.parentElement;
  const content = wrapper.querySelector(".ProseMirror");
  if (content) {
    content.setAttribute("aria-label", area.dataset.label || gettext("Text"));
    content.setAttribute("aria-multiline", "true");
    if (area.getAttribute("aria-describedby")) content.setAttribute("aria-describedby", area.getAttribute("aria-describedby"));
    const label = document.querySelector(`label[for="${area.id}"]`);
    if (label) label.addEventListener("click", () => editor.commands.focus());
  }
  translateMenu(wrapper);
  new MutationObserver(() => translateMenu(wrapper)).observe(wrapper, {childList: true, subtree: true});
  // Dialogs are added to the body.
  new MutationObserver((records) => {
    records.forEach((r) => r.addedNodes.forEach((n) => n.nodeType === 1 && translateMenu(n)));
  }).observe(document.body, {childList: true});
  // The unsaved-changes warning listens to the form's inputs: tell it the text changed.
  editor.on("update", () => area.dispatchEvent(new Event("input", {bubbles: true})));
  return editor;
}

document.querySelectorAll("textarea[data-tsf-editor]").forEach((area) => { start(area); });
